-- Version 8: languages. The language a staging's receipts and emails are in
-- (BCP 47, as the staff or the patient's setting chose it), and the one a
-- patient reads, kept with the patient.
ALTER TABLE stagings ADD COLUMN language TEXT;
ALTER TABLE patients ADD COLUMN language TEXT;
