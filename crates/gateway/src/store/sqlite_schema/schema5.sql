-- Version 5: payments. An organization's payment link template and the secret
-- its payment portal signs notices with (sealed with <db>.key); when a code's
-- bill was paid; and every notice's transaction, so that a replay is refused.
ALTER TABLE accounts ADD COLUMN pay_url TEXT;
ALTER TABLE accounts ADD COLUMN notify_secret BLOB;
ALTER TABLE stages ADD COLUMN paid_at INTEGER;
CREATE TABLE payment_notices (
    transaction_id TEXT PRIMARY KEY,
    raz_id         TEXT NOT NULL,
    received       INTEGER NOT NULL
);
