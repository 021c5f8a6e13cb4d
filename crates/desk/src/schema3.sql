-- Version 3: a receipt saved as a file is a delivery too. SQLite cannot change
-- a CHECK constraint in place, so the table is copied.
CREATE TABLE deliveries_new (
    id         INTEGER PRIMARY KEY,
    staging_id INTEGER NOT NULL REFERENCES stagings(id),
    channel    TEXT NOT NULL CHECK (channel IN ('print', 'email', 'file')),
    target     TEXT NOT NULL,
    format     TEXT NOT NULL,
    file       TEXT,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    error      TEXT,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL
);
INSERT INTO deliveries_new SELECT id, staging_id, channel, target, format, file, status, error, created, updated FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
