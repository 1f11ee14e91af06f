-- Front-end (issue 5): eligibility checks (271 or manual), payer
-- authorization tables, authorization records and patient responsibility
-- estimates. SQLite dialect; keep in step with
-- store/postgres/migrations/0005_frontend.sql.

CREATE TABLE eligibility_checks (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	coverage_id INTEGER REFERENCES coverages (id),
	coverage_key TEXT NOT NULL DEFAULT '',
	service_date TEXT NOT NULL,
	method TEXT NOT NULL CHECK (method IN ('270', 'phone', 'portal')),
	status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'rejected', 'error')),
	plan TEXT NOT NULL DEFAULT '',
	coverage_from TEXT,
	coverage_to TEXT,
	deductible INTEGER NOT NULL DEFAULT 0 CHECK (deductible >= 0),
	deductible_remaining INTEGER NOT NULL DEFAULT 0 CHECK (deductible_remaining >= 0),
	copay INTEGER NOT NULL DEFAULT 0 CHECK (copay >= 0),
	coinsurance INTEGER NOT NULL DEFAULT 0 CHECK (coinsurance BETWEEN 0 AND 10000),
	oop_remaining INTEGER NOT NULL DEFAULT 0 CHECK (oop_remaining >= 0),
	has_oop BOOLEAN NOT NULL DEFAULT FALSE,
	network TEXT NOT NULL DEFAULT '',
	reject_code TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	reference TEXT NOT NULL DEFAULT '',
	checked_by INTEGER NOT NULL REFERENCES users (id),
	checked_at TEXT NOT NULL,
	response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX eligibility_checks_case ON eligibility_checks (case_id, checked_at);

CREATE TABLE auth_rules (
	payer_id INTEGER NOT NULL REFERENCES payers (id),
	code_from TEXT NOT NULL,
	code_to TEXT NOT NULL DEFAULT '',
	place_of_service TEXT NOT NULL DEFAULT '',
	requirement TEXT NOT NULL CHECK (requirement IN ('required', 'notification', 'none')),
	PRIMARY KEY (payer_id, code_from, code_to, place_of_service)
);

CREATE TABLE authorizations (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	code TEXT NOT NULL,
	number TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'not_required')),
	valid_from TEXT,
	valid_to TEXT,
	units INTEGER NOT NULL DEFAULT 0 CHECK (units >= 0),
	owner_id INTEGER NOT NULL REFERENCES users (id),
	source TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	created_by INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX authorizations_case ON authorizations (case_id, id);

CREATE TABLE estimates (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	check_id INTEGER REFERENCES eligibility_checks (id),
	allowed INTEGER NOT NULL CHECK (allowed >= 0),
	copay INTEGER NOT NULL CHECK (copay >= 0),
	deductible INTEGER NOT NULL CHECK (deductible >= 0),
	coinsurance INTEGER NOT NULL CHECK (coinsurance >= 0),
	total INTEGER NOT NULL CHECK (total >= 0),
	deposit INTEGER NOT NULL DEFAULT 0 CHECK (deposit >= 0),
	method TEXT NOT NULL CHECK (method IN ('in_person', 'phone', 'portal', 'letter')),
	communicated_by INTEGER NOT NULL REFERENCES users (id),
	communicated_at TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX estimates_case ON estimates (case_id, communicated_at);
