-- Version 9 (protocol v1.2): codes the gateway reserved for this practice, for
-- receipts printed while it cannot be reached. Each ID and its address are
-- sealed (place reserved_codes.*, row key `slot`, random). A staging takes one
-- in the commit that gives it the code (staging_id: once, never two);
-- `offline` marks a staging whose code was printed before its stage reached
-- the gateway.
CREATE TABLE reserved_codes (
    id INTEGER PRIMARY KEY,
    slot TEXT NOT NULL UNIQUE,
    raz_id_sealed BLOB NOT NULL,
    raz_uri_sealed BLOB NOT NULL,
    reserved_until INTEGER NOT NULL,
    staging_id INTEGER UNIQUE REFERENCES stagings(id)
);
ALTER TABLE stagings ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
