-- Version 11: an account's email sealed with <db>.key; `email` keeps a keyed
-- index of it (HMAC under a key derived from the key file), which is how a
-- sign-in finds its account and what the (kind, email) uniqueness compares.
-- Emails written before are sealed and indexed at the next start.
ALTER TABLE accounts ADD COLUMN email_sealed BLOB;
