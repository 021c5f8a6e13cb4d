-- Version 3: a stage keeps its request's nonce in its own row, so a stage is
-- one insert instead of a second one into `nonces` at a random place in that
-- table; a small index by time finds them again after a restart. Other
-- requests' nonces stay in `nonces`.
ALTER TABLE stages ADD COLUMN nonce TEXT;
ALTER TABLE stages ADD COLUMN nonce_ts INTEGER;
CREATE INDEX stages_recent_nonces ON stages(created, nonce, nonce_ts) WHERE nonce IS NOT NULL;
