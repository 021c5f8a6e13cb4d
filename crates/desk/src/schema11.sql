-- Version 11 (protocol v1.2): what the gateway last said of who opened each
-- code's record (status's access_count and last_access_at, RFC 3339).
ALTER TABLE stagings ADD COLUMN access_count INTEGER;
ALTER TABLE stagings ADD COLUMN last_access_at TEXT;
