-- Version 3: wrong passwords are counted per account and client address, and
-- for addresses without an account alike (see the SQLite schema 9).
CREATE TABLE login_locks (
    who          TEXT NOT NULL,
    client       TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    updated      BIGINT NOT NULL,
    PRIMARY KEY (who, client)
);
CREATE INDEX login_locks_by_time ON login_locks(updated);
