-- Version 12 (protocol v1.2): IDs a practice reserved for receipts printed
-- while the gateway could not be reached. A stage under one takes it (the row
-- goes in the stage's transaction); unused, it lapses at reserved_until.
CREATE TABLE reserved_ids (
    raz_id TEXT PRIMARY KEY,
    consumer_id INTEGER NOT NULL,
    org_account_id INTEGER NOT NULL,
    reserved_at INTEGER NOT NULL,
    reserved_until INTEGER NOT NULL
);
CREATE INDEX reserved_ids_until ON reserved_ids(reserved_until);
