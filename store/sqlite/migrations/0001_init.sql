-- claimgate schema, SQLite dialect. Keep in step with
-- store/postgres/migrations/0001_init.sql: same tables, columns and numbers.
-- Timestamps are UTC text, YYYY-MM-DDTHH:MM:SS.ffffffZ (sorts in time order);
-- dates are YYYY-MM-DD text; money is integer cents.

CREATE TABLE organizations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	npi TEXT NOT NULL DEFAULT '',
	tax_id TEXT NOT NULL DEFAULT '',
	taxonomy TEXT NOT NULL DEFAULT '',
	addr_line1 TEXT NOT NULL DEFAULT '',
	addr_line2 TEXT NOT NULL DEFAULT '',
	addr_city TEXT NOT NULL DEFAULT '',
	addr_state TEXT NOT NULL DEFAULT '',
	addr_zip TEXT NOT NULL DEFAULT ''
);

CREATE TABLE locations (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES organizations (id),
	name TEXT NOT NULL,
	npi TEXT NOT NULL DEFAULT '',
	place_of_service TEXT NOT NULL DEFAULT '',
	addr_line1 TEXT NOT NULL DEFAULT '',
	addr_line2 TEXT NOT NULL DEFAULT '',
	addr_city TEXT NOT NULL DEFAULT '',
	addr_state TEXT NOT NULL DEFAULT '',
	addr_zip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX locations_org ON locations (org_id);

CREATE TABLE providers (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES organizations (id),
	first_name TEXT NOT NULL DEFAULT '',
	last_name TEXT NOT NULL DEFAULT '',
	npi TEXT NOT NULL DEFAULT '',
	taxonomy TEXT NOT NULL DEFAULT ''
);
CREATE INDEX providers_org ON providers (org_id);

CREATE TABLE payers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	payer_id TEXT NOT NULL DEFAULT '',
	plan_types TEXT NOT NULL DEFAULT '',
	timely_filing_days INTEGER NOT NULL DEFAULT 0,
	appeal_window_days INTEGER NOT NULL DEFAULT 0,
	requires_elig_check BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE patients (
	id INTEGER PRIMARY KEY,
	mrn TEXT NOT NULL DEFAULT '',
	first_name TEXT NOT NULL DEFAULT '',
	last_name TEXT NOT NULL DEFAULT '',
	birth_date TEXT,
	sex TEXT NOT NULL DEFAULT '',
	addr_line1 TEXT NOT NULL DEFAULT '',
	addr_line2 TEXT NOT NULL DEFAULT '',
	addr_city TEXT NOT NULL DEFAULT '',
	addr_state TEXT NOT NULL DEFAULT '',
	addr_zip TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patients_mrn ON patients (mrn);

CREATE TABLE coverages (
	id INTEGER PRIMARY KEY,
	patient_id INTEGER NOT NULL REFERENCES patients (id),
	payer_id INTEGER NOT NULL REFERENCES payers (id),
	rank INTEGER NOT NULL DEFAULT 1,
	plan_type TEXT NOT NULL DEFAULT '',
	member_id TEXT NOT NULL DEFAULT '',
	group_number TEXT NOT NULL DEFAULT '',
	subscriber_first TEXT NOT NULL DEFAULT '',
	subscriber_last TEXT NOT NULL DEFAULT '',
	subscriber_birth_date TEXT,
	relationship TEXT NOT NULL DEFAULT '',
	effective_from TEXT,
	effective_to TEXT
);
CREATE INDEX coverages_patient ON coverages (patient_id, rank);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	password_hash BLOB,
	roles TEXT NOT NULL DEFAULT '',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	user_id INTEGER REFERENCES users (id),
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at, id);

CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	patient_id INTEGER NOT NULL REFERENCES patients (id),
	location_id INTEGER REFERENCES locations (id),
	provider_id INTEGER REFERENCES providers (id),
	service_date TEXT,
	stage TEXT NOT NULL,
	stage_since TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL
);
CREATE INDEX cases_stage ON cases (stage, id);
CREATE INDEX cases_patient ON cases (patient_id, id);

CREATE TABLE claims (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	coverage_id INTEGER REFERENCES coverages (id),
	frequency TEXT NOT NULL DEFAULT '1',
	payer_claim_id TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	total_charge INTEGER NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX claims_case ON claims (case_id, id);

CREATE TABLE exceptions (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	gate TEXT NOT NULL,
	item TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	owner_id INTEGER NOT NULL REFERENCES users (id),
	approver_id INTEGER REFERENCES users (id),
	expires_at TEXT,
	created_at TEXT NOT NULL,
	resolved_at TEXT,
	resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exceptions_case ON exceptions (case_id, id);

CREATE TABLE work_items (
	id INTEGER PRIMARY KEY,
	case_id INTEGER REFERENCES cases (id),
	stage TEXT NOT NULL DEFAULT '',
	queue TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	owner_id INTEGER NOT NULL REFERENCES users (id),
	priority INTEGER NOT NULL DEFAULT 0,
	due_at TEXT,
	status TEXT NOT NULL CHECK (status IN ('open', 'done')),
	claimed_by INTEGER REFERENCES users (id),
	exception_id INTEGER REFERENCES exceptions (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX work_items_queue ON work_items (queue, status, priority DESC, due_at, created_at);
CREATE INDEX work_items_owner ON work_items (owner_id, status);
CREATE INDEX work_items_case ON work_items (case_id, status);
CREATE INDEX work_items_exception ON work_items (exception_id);

CREATE TABLE queue_owners (
	queue TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id)
);

CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	case_id INTEGER REFERENCES cases (id),
	kind TEXT NOT NULL,
	actor_id INTEGER REFERENCES users (id),
	at TEXT NOT NULL,
	from_stage TEXT NOT NULL DEFAULT '',
	to_stage TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_case ON events (case_id, id);
