-- Version 1 of the desk's database.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Secrets sealed with the key file (see secret.rs).
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    sealed BLOB NOT NULL
);
CREATE TABLE patients (
    mrn           TEXT PRIMARY KEY,
    name          TEXT,
    date_of_birth TEXT,
    email         TEXT,
    user_token    TEXT,
    linked_at     INTEGER
);
CREATE TABLE encounters (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('ccr', 'omhe')),
    her           TEXT NOT NULL,
    her_sha256    TEXT NOT NULL UNIQUE,
    patient_name  TEXT,
    patient_mrn   TEXT,
    visit_date    TEXT,
    summary       TEXT NOT NULL,
    created       INTEGER NOT NULL
);
-- A staging is recorded (status 'pending') before it is sent: pending rows are the outbox.
CREATE TABLE stagings (
    id           INTEGER PRIMARY KEY,
    encounter_id INTEGER NOT NULL REFERENCES encounters(id),
    idem_key     TEXT NOT NULL UNIQUE,
    variant      TEXT NOT NULL CHECK (variant IN ('image', 'url')),
    user_mrn     TEXT,
    pmt          TEXT,
    -- Sections left out (minimum necessary), comma-separated keys.
    leave_out    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('pending', 'staged', 'failed')),
    raz_id       TEXT,
    raz_image    TEXT,
    raz_uri      TEXT,
    image_path   TEXT,
    pmt_valid    INTEGER,
    errorcode    TEXT,
    errormsg     TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);
-- What was done, never with patient data.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
