-- Version 7: SMART Health Links. What a staging asked for (off, on, passcode),
-- and the link and passcode the gateway's answer gave it, sealed with desk.key
-- (the link's key opens the visit's record).
ALTER TABLE stagings ADD COLUMN shl_mode TEXT NOT NULL DEFAULT 'off';
ALTER TABLE stagings ADD COLUMN shl_sealed BLOB;
ALTER TABLE stagings ADD COLUMN shl_passcode_sealed BLOB;
