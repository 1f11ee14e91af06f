-- Clearinghouse connector (package clearinghouse): trading partners with
-- their control number counters, the files we sent, and the inbound files
-- we claimed from their mailboxes. SQLite dialect; keep in step with
-- store/postgres/migrations/0003_clearinghouse.sql.

CREATE TABLE trading_partners (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	our_qualifier TEXT NOT NULL,
	our_id TEXT NOT NULL,
	their_qualifier TEXT NOT NULL,
	their_id TEXT NOT NULL,
	our_app_code TEXT NOT NULL,
	their_app_code TEXT NOT NULL,
	payer_ids TEXT NOT NULL DEFAULT '',
	usage_indicator TEXT NOT NULL CHECK (usage_indicator IN ('T', 'P')),
	mailbox TEXT NOT NULL DEFAULT '',
	acknowledge TEXT NOT NULL DEFAULT '',
	-- The last ISA13, GS06 and ST02 handed out: counters that only grow.
	last_isa BIGINT NOT NULL DEFAULT 0 CHECK (last_isa BETWEEN 0 AND 999999999),
	last_gs BIGINT NOT NULL DEFAULT 0 CHECK (last_gs BETWEEN 0 AND 999999999),
	last_st BIGINT NOT NULL DEFAULT 0 CHECK (last_st BETWEEN 0 AND 999999999),
	created_at TEXT NOT NULL
);

-- Two partners polling one folder would take each other's files.
CREATE UNIQUE INDEX trading_partners_mailbox ON trading_partners (mailbox) WHERE mailbox <> '';

CREATE TABLE outbound_files (
	id INTEGER PRIMARY KEY,
	partner_id TEXT NOT NULL REFERENCES trading_partners (id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	isa13 BIGINT NOT NULL,
	gs06 BIGINT NOT NULL,
	st02 BIGINT NOT NULL,
	sets INTEGER NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	inbound_id INTEGER,
	created_at TEXT NOT NULL,
	UNIQUE (partner_id, isa13)
);

CREATE TABLE inbound_files (
	id INTEGER PRIMARY KEY,
	partner_id TEXT NOT NULL REFERENCES trading_partners (id),
	name TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('received', 'processing', 'done', 'quarantined', 'duplicate')),
	duplicate_of INTEGER REFERENCES inbound_files (id),
	attempts INTEGER NOT NULL DEFAULT 0,
	lease_token TEXT NOT NULL DEFAULT '',
	lease_until TEXT,
	reason TEXT NOT NULL DEFAULT '',
	work_item_id INTEGER REFERENCES work_items (id),
	ack_isa13 BIGINT,
	ack_gs06 BIGINT,
	ack_st02 BIGINT,
	ack_sets INTEGER NOT NULL DEFAULT 0,
	received_at TEXT NOT NULL,
	finished_at TEXT,
	UNIQUE (partner_id, name, sha256)
);
-- One row per content in processing or processed: a copy under another name
-- is a duplicate. A quarantined file's content may come again under a new
-- name (the way to retry it) and is then processed.
CREATE UNIQUE INDEX inbound_files_content ON inbound_files (partner_id, sha256)
	WHERE status IN ('received', 'processing', 'done');
CREATE INDEX inbound_files_status ON inbound_files (status, id);
