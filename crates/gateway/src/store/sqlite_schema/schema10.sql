-- Version 10: what was still in clear is sealed with <db>.key like the
-- records: a stage's bill (its description and reference), a void's reason,
-- and an account's name. Values written before are sealed at the next start
-- and their clear columns emptied.
ALTER TABLE stages ADD COLUMN pmt_sealed BLOB;
ALTER TABLE stages ADD COLUMN void_reason_sealed BLOB;
ALTER TABLE accounts ADD COLUMN name_sealed BLOB;
