-- Version 2: receipts and their deliveries.
ALTER TABLE stagings ADD COLUMN receipts INTEGER NOT NULL DEFAULT 0;
-- Printed and emailed receipts; an email that could not be sent waits ('pending').
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    staging_id INTEGER NOT NULL REFERENCES stagings(id),
    channel    TEXT NOT NULL CHECK (channel IN ('print', 'email')),
    target     TEXT NOT NULL,
    format     TEXT NOT NULL,
    -- The receipt as sent (kept so that a retry sends the same one).
    file       TEXT,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    error      TEXT,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL
);
