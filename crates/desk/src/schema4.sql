-- Version 4 (protocol v1.1): what the gateway says of a code (issued, claimed,
-- expired, voided, with its times, all RFC 3339 as the gateway sent them),
-- a void asked for that waits in the outbox until the gateway confirms it,
-- and the staging a reissued code replaces.
ALTER TABLE stagings ADD COLUMN state TEXT;
ALTER TABLE stagings ADD COLUMN expires_at TEXT;
ALTER TABLE stagings ADD COLUMN claimed_at TEXT;
ALTER TABLE stagings ADD COLUMN voided_at TEXT;
ALTER TABLE stagings ADD COLUMN state_checked INTEGER;
ALTER TABLE stagings ADD COLUMN void_reason TEXT;
ALTER TABLE stagings ADD COLUMN void_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stagings ADD COLUMN replaces INTEGER REFERENCES stagings(id);
