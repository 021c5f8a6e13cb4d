-- Version 6 (protocol v1.2): reserved IDs (see the SQLite schema 12).
CREATE TABLE reserved_ids (
    raz_id TEXT PRIMARY KEY,
    consumer_id BIGINT NOT NULL,
    org_account_id BIGINT NOT NULL,
    reserved_at BIGINT NOT NULL,
    reserved_until BIGINT NOT NULL
);
CREATE INDEX reserved_ids_until ON reserved_ids(reserved_until);
