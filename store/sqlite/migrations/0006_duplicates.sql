-- Duplicate-patient decisions (issue 5): a pair of patient records found
-- alike (same name and birth date, or same member ID) is merged or kept,
-- by a user, with a reason. SQLite dialect; keep in step with
-- store/postgres/migrations/0006_duplicates.sql.

CREATE TABLE duplicate_decisions (
	id INTEGER PRIMARY KEY,
	patient_id INTEGER NOT NULL REFERENCES patients (id),
	other_id INTEGER NOT NULL REFERENCES patients (id),
	decision TEXT NOT NULL CHECK (decision IN ('merge', 'keep')),
	reason TEXT NOT NULL,
	decided_by INTEGER NOT NULL REFERENCES users (id),
	decided_at TEXT NOT NULL,
	CHECK (patient_id < other_id),
	UNIQUE (patient_id, other_id)
);
CREATE INDEX duplicate_decisions_other ON duplicate_decisions (other_id);
