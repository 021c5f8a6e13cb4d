-- Version 12: large print (receipts with the code and the instructions at
-- 18 pt or more), chosen for a staging and kept with the patient, as the
-- language is.
ALTER TABLE stagings ADD COLUMN large_print INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patients ADD COLUMN large_print INTEGER NOT NULL DEFAULT 0;
