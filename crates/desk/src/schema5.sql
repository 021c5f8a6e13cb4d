-- Version 5: payments. Whether the gateway said the patient can pay online
-- (`razcode_pay`; unknown from gateways that do not say), and when the bill was
-- paid (RFC 3339, from the code's status).
ALTER TABLE stagings ADD COLUMN pay_online INTEGER;
ALTER TABLE stagings ADD COLUMN paid_at TEXT;
