-- Version 13 (protocol v1.2): the audit log, a hash chain. Each entry holds
-- the SHA-256 of the entry before it (`prev_hash`) and its own (`hash`, over
-- its fields and `prev_hash`), so a changed or deleted entry shows at
-- `razcode-gateway audit verify`. `seq` is one sequence for every instance
-- on the database. Access events (who opened a code's record) are entries
-- with the code's raz_id; `recipient` is what a SMART Health Link client said.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    raz_id TEXT,
    org_account_id INTEGER,
    recipient TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_code ON audit_log(raz_id, seq);
CREATE INDEX audit_log_by_org ON audit_log(org_account_id, at);
-- The chain's head: its last entry's number and hash. An append locks this
-- one row (FOR UPDATE on PostgreSQL, which also reads its latest version),
-- and `audit verify` finds entries cut from the end by comparing with it.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
