-- Version 4: a stage's bill, a void's reason and an account's name sealed
-- with the key file (see the SQLite schema 10).
ALTER TABLE stages ADD COLUMN pmt_sealed BYTEA;
ALTER TABLE stages ADD COLUMN void_reason_sealed BYTEA;
ALTER TABLE accounts ADD COLUMN name_sealed BYTEA;
