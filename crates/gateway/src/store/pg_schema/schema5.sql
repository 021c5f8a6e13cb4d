-- Version 5: an account's email sealed, `email` keeping its keyed index (see
-- the SQLite schema 11).
ALTER TABLE accounts ADD COLUMN email_sealed BYTEA;
