-- Version 9: wrong passwords are counted per account and client address, and
-- for addresses without an account alike. Before, an unknown email was never
-- locked while a real one was (which told them apart), and anyone could lock a
-- patient out. `who` is a keyed tag of the account kind and email, never the
-- email itself.
CREATE TABLE login_locks (
    who          TEXT NOT NULL,
    client       TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    PRIMARY KEY (who, client)
);
CREATE INDEX login_locks_by_time ON login_locks(updated);
