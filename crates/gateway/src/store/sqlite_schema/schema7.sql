-- Version 7: SMART Health Links (v1.1). One link per code; the file is kept
-- only encrypted (compact JWE): its key travels in the link, never here.
CREATE TABLE shl_links (
  id TEXT PRIMARY KEY,              -- the manifest's path segment, 256 random bits
  raz_id TEXT NOT NULL UNIQUE REFERENCES stages(raz_id),
  file TEXT NOT NULL,               -- compact JWE of the visit's FHIR Bundle
  passcode_hash TEXT,               -- argon2id, when the practice set a passcode
  attempts_left INTEGER NOT NULL,   -- wrong passcodes the link still tolerates
  created INTEGER NOT NULL
);
-- Short-lived file addresses for apps that ask for files by location.
CREATE TABLE shl_file_urls (
  token TEXT PRIMARY KEY,
  link_id TEXT NOT NULL REFERENCES shl_links(id) ON DELETE CASCADE,
  expires INTEGER NOT NULL
);
