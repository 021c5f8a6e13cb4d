-- Version 14 (protocol v1.2): the practice's phone number on its patients'
-- pages, and patients' requests for a new code. A request's email and note
-- are sealed (places reissue_requests.*, row key `slot`, random); the client
-- is kept as a keyed tag, for the per-client limit.
ALTER TABLE accounts ADD COLUMN phone TEXT;
CREATE TABLE reissue_requests (
    id INTEGER PRIMARY KEY,
    slot TEXT NOT NULL UNIQUE,
    raz_id TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    client_tag TEXT NOT NULL,
    email_sealed BLOB NOT NULL,
    note_sealed BLOB
);
CREATE INDEX reissue_requests_by_code ON reissue_requests(raz_id, requested_at);
CREATE INDEX reissue_requests_by_client ON reissue_requests(client_tag, requested_at);
