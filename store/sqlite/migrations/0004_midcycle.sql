-- Mid-cycle (issue 6): chargemaster, payer fee schedules, documentation
-- requirements, payer coverage tables; and per case the encounter with its
-- plan, notes, charge lines and diagnoses. SQLite dialect; keep in step with
-- store/postgres/migrations/0004_midcycle.sql.

CREATE TABLE chargemaster (
	code TEXT PRIMARY KEY,
	description TEXT NOT NULL DEFAULT '',
	price INTEGER NOT NULL CHECK (price >= 0),
	revenue_code TEXT NOT NULL DEFAULT '',
	service_type TEXT NOT NULL
);

CREATE TABLE fee_schedule (
	payer_id INTEGER NOT NULL REFERENCES payers (id),
	code TEXT NOT NULL,
	modifier TEXT NOT NULL DEFAULT '',
	allowed INTEGER NOT NULL CHECK (allowed >= 0),
	PRIMARY KEY (payer_id, code, modifier)
);

CREATE TABLE doc_requirements (
	service_type TEXT NOT NULL,
	seq INTEGER NOT NULL,
	label TEXT NOT NULL,
	any_of TEXT NOT NULL,
	PRIMARY KEY (service_type, seq)
);

CREATE TABLE coverage_rules (
	payer_id INTEGER NOT NULL REFERENCES payers (id),
	code TEXT NOT NULL,
	diagnoses TEXT NOT NULL,
	policy TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (payer_id, code)
);

CREATE TABLE encounters (
	case_id INTEGER PRIMARY KEY REFERENCES cases (id),
	status TEXT NOT NULL CHECK (status IN ('scheduled', 'checked_in', 'checked_out', 'no_show', 'cancelled')),
	scheduled_at TEXT,
	check_in TEXT,
	check_out TEXT,
	cancel_reason TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);

CREATE TABLE plan_items (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES encounters (case_id),
	kind TEXT NOT NULL CHECK (kind IN ('service', 'order', 'supply')),
	code TEXT NOT NULL,
	units INTEGER NOT NULL DEFAULT 1 CHECK (units > 0),
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_items_case ON plan_items (case_id, id);

CREATE TABLE notes (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	service_type TEXT NOT NULL,
	author_id INTEGER NOT NULL REFERENCES users (id),
	elements TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
	signer_id INTEGER REFERENCES users (id),
	signed_at TEXT,
	work_item_id INTEGER REFERENCES work_items (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, id);
CREATE INDEX notes_status ON notes (status, created_at);

CREATE TABLE charge_lines (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	line INTEGER NOT NULL,
	code TEXT NOT NULL,
	modifiers TEXT NOT NULL DEFAULT '',
	units INTEGER NOT NULL CHECK (units > 0),
	dx_pointers TEXT NOT NULL DEFAULT '',
	amount INTEGER NOT NULL,
	service_date TEXT,
	entered_by INTEGER NOT NULL REFERENCES users (id),
	entered_at TEXT NOT NULL,
	lag_days INTEGER NOT NULL,
	voided_at TEXT,
	void_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (case_id, line)
);

CREATE TABLE diagnoses (
	case_id INTEGER NOT NULL REFERENCES cases (id),
	rank INTEGER NOT NULL CHECK (rank > 0),
	code TEXT NOT NULL,
	PRIMARY KEY (case_id, rank),
	UNIQUE (case_id, code)
);
