-- Version 2: the desk's idempotency key (an extension the protocol allows, since
-- gateways ignore body parameters they do not know). The same key from the same
-- consumer answers with the code already issued instead of a second one.
ALTER TABLE stages ADD COLUMN idem_key TEXT;
CREATE UNIQUE INDEX stages_idem ON stages(consumer_id, idem_key) WHERE idem_key IS NOT NULL;
