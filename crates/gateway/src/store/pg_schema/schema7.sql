-- Version 7 (protocol v1.2): the audit log, a hash chain (see the SQLite
-- schema 13). Appends hold an advisory lock, so `seq` is one sequence for
-- every instance.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    raz_id TEXT,
    org_account_id BIGINT,
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
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
