-- Version 8: a payment notice's transaction is unique within its organization,
-- not across every clinic of the gateway (two portals may number alike, and
-- one clinic's notice must never block another's).
CREATE TABLE payment_notices_new (
    org_account_id INTEGER NOT NULL,
    transaction_id TEXT NOT NULL,
    raz_id         TEXT NOT NULL,
    received       INTEGER NOT NULL,
    PRIMARY KEY (org_account_id, transaction_id)
);
INSERT INTO payment_notices_new
    SELECT s.org_account_id, n.transaction_id, n.raz_id, n.received
    FROM payment_notices n JOIN stages s ON s.raz_id = n.raz_id;
DROP TABLE payment_notices;
ALTER TABLE payment_notices_new RENAME TO payment_notices;
