-- Version 4 (protocol v1.1): a code can be voided (its record erased at once,
-- the time and reason kept for the clinic), and a stage keeps a hash of what
-- its idempotency key stood for (practice, her, user, pmt), so that a repeat
-- that differs is refused instead of answered with the first code.
ALTER TABLE stages ADD COLUMN voided_at INTEGER;
ALTER TABLE stages ADD COLUMN void_reason TEXT;
ALTER TABLE stages ADD COLUMN request_hash TEXT;
