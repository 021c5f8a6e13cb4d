-- Version 6: records at rest are sealed with <db>.key like the OAuth secrets.
-- Records written before are sealed when the database is next opened.
ALTER TABLE stages ADD COLUMN her_sealed INTEGER NOT NULL DEFAULT 0;
