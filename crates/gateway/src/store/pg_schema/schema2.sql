-- Version 2: a payment notice's transaction is unique within its organization,
-- not across every clinic of the gateway (two portals may number alike, and
-- one clinic's notice must never block another's).
ALTER TABLE payment_notices ADD COLUMN org_account_id BIGINT;
UPDATE payment_notices n SET org_account_id = s.org_account_id
    FROM stages s WHERE s.raz_id = n.raz_id;
ALTER TABLE payment_notices ALTER COLUMN org_account_id SET NOT NULL;
ALTER TABLE payment_notices DROP CONSTRAINT payment_notices_pkey;
ALTER TABLE payment_notices ADD PRIMARY KEY (org_account_id, transaction_id);
