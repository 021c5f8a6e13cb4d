-- Version 1 of the gateway's database.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE consumers (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,
    secret  TEXT NOT NULL,
    name    TEXT NOT NULL,
    created INTEGER NOT NULL
);
-- Organizations (RAZCODE Platform) and patients (HealthJibe) sign in to approval pages.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('org', 'patient')),
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL,
    UNIQUE (kind, email)
);
CREATE TABLE temp_tokens (
    token       TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id),
    callback    TEXT NOT NULL,
    created     INTEGER NOT NULL,
    -- pending, approved, denied, exchanged
    state       TEXT NOT NULL DEFAULT 'pending',
    kind        TEXT CHECK (kind IN ('org', 'patient')),
    account_id  INTEGER REFERENCES accounts(id),
    verifier    TEXT
);
CREATE TABLE access_tokens (
    token       TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id),
    kind        TEXT NOT NULL CHECK (kind IN ('org', 'patient')),
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    created     INTEGER NOT NULL
);
CREATE TABLE stages (
    raz_id          TEXT PRIMARY KEY,
    consumer_id     INTEGER NOT NULL REFERENCES consumers(id),
    org_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    user_account_id INTEGER REFERENCES accounts(id),
    her             BLOB NOT NULL,
    her_kind        TEXT NOT NULL CHECK (her_kind IN ('ccr', 'omhe')),
    pmt             TEXT,
    created         INTEGER NOT NULL,
    expires         INTEGER NOT NULL,
    claimed_by      INTEGER REFERENCES accounts(id),
    claimed_at      INTEGER
);
CREATE TABLE nonces (
    key       TEXT PRIMARY KEY,
    timestamp INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX nonces_by_time ON nonces(timestamp);
-- Patients signed in on the redemption pages; the token is kept as its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    expires    INTEGER NOT NULL
);
-- Wrong codes typed on the redemption page, per client, for the attempt limit.
CREATE TABLE redeem_failures (
    client TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX redeem_failures_by_client ON redeem_failures(client, at);
