-- Code sets (package codeset): one row per imported version, its contents
-- in order (seq) in one table per shape. SQLite dialect; keep in step with
-- store/postgres/migrations/0002_codesets.sql.

CREATE TABLE code_sets (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	version TEXT NOT NULL,
	from_date TEXT,
	to_date TEXT,
	sha256 TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	imported_at TEXT NOT NULL,
	entries INTEGER NOT NULL DEFAULT 0,
	billable INTEGER NOT NULL DEFAULT 0,
	UNIQUE (kind, version),
	UNIQUE (kind, sha256)
);

CREATE TABLE code_set_codes (
	set_id INTEGER NOT NULL REFERENCES code_sets (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	code TEXT NOT NULL,
	billable BOOLEAN NOT NULL,
	short_desc TEXT NOT NULL DEFAULT '',
	long_desc TEXT NOT NULL DEFAULT '',
	from_date TEXT,
	to_date TEXT,
	deactivated BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (set_id, seq)
);

CREATE TABLE code_set_edits (
	set_id INTEGER NOT NULL REFERENCES code_sets (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	column1 TEXT NOT NULL,
	column2 TEXT NOT NULL,
	from_date TEXT,
	to_date TEXT,
	modifier TEXT NOT NULL DEFAULT '',
	rationale TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (set_id, seq)
);

CREATE TABLE code_set_limits (
	set_id INTEGER NOT NULL REFERENCES code_sets (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	code TEXT NOT NULL,
	max_units INTEGER NOT NULL,
	adjudication INTEGER NOT NULL DEFAULT 0,
	rationale TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (set_id, seq)
);
