-- Version 11 (protocol v1.2): what the gateway last said of who opened each
-- code's record (status's access_count and last_access_at, RFC 3339).
ALTER TABLE stagings ADD COLUMN access_count INTEGER;
ALTER TABLE stagings ADD COLUMN last_access_at TEXT;
-- A patient's request for a new code (status's reissue_requested_at, and the
-- address and note given, sealed: places stagings.reissue_*_sealed, row key
-- the staging's id); `reissue_answered` is the request time last answered
-- (a later request is open again).
ALTER TABLE stagings ADD COLUMN reissue_requested_at TEXT;
ALTER TABLE stagings ADD COLUMN reissue_answered TEXT;
ALTER TABLE stagings ADD COLUMN reissue_email_sealed BLOB;
ALTER TABLE stagings ADD COLUMN reissue_note_sealed BLOB;
