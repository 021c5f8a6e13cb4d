-- Version 6: searches that stay fast at a million encounters. Trigram full-text
-- indexes find a name, an MRN or a code by any part of it; an index finds an
-- encounter's stagings; `coded` (whether the encounter's latest staging has a
-- code) is kept by triggers so that the worklist's "older ones still without a
-- code" is an index lookup, not a scan.
CREATE INDEX stagings_by_encounter ON stagings(encounter_id, id);
CREATE INDEX encounters_by_created ON encounters(created);
ALTER TABLE encounters ADD COLUMN coded INTEGER NOT NULL DEFAULT 0;
UPDATE encounters SET coded = COALESCE(
    (SELECT s.status = 'staged' FROM stagings s WHERE s.encounter_id = encounters.id ORDER BY s.id DESC LIMIT 1), 0);
CREATE INDEX encounters_uncoded ON encounters(id) WHERE coded = 0;
CREATE TRIGGER stagings_coded_insert AFTER INSERT ON stagings BEGIN
    UPDATE encounters SET coded = (new.status = 'staged') WHERE id = new.encounter_id;
END;
CREATE TRIGGER stagings_coded_update AFTER UPDATE OF status ON stagings
WHEN new.id = (SELECT max(id) FROM stagings WHERE encounter_id = new.encounter_id) BEGIN
    UPDATE encounters SET coded = (new.status = 'staged') WHERE id = new.encounter_id;
END;

CREATE VIRTUAL TABLE encounters_fts USING fts5(
    patient_name, patient_mrn, visit_date, summary, source,
    content = 'encounters', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO encounters_fts(encounters_fts) VALUES ('rebuild');
CREATE TRIGGER encounters_fts_insert AFTER INSERT ON encounters BEGIN
    INSERT INTO encounters_fts(rowid, patient_name, patient_mrn, visit_date, summary, source)
    VALUES (new.id, new.patient_name, new.patient_mrn, new.visit_date, new.summary, new.source);
END;
CREATE TRIGGER encounters_fts_delete AFTER DELETE ON encounters BEGIN
    INSERT INTO encounters_fts(encounters_fts, rowid, patient_name, patient_mrn, visit_date, summary, source)
    VALUES ('delete', old.id, old.patient_name, old.patient_mrn, old.visit_date, old.summary, old.source);
END;
CREATE TRIGGER encounters_fts_update AFTER UPDATE OF patient_name, patient_mrn, visit_date, summary, source ON encounters BEGIN
    INSERT INTO encounters_fts(encounters_fts, rowid, patient_name, patient_mrn, visit_date, summary, source)
    VALUES ('delete', old.id, old.patient_name, old.patient_mrn, old.visit_date, old.summary, old.source);
    INSERT INTO encounters_fts(rowid, patient_name, patient_mrn, visit_date, summary, source)
    VALUES (new.id, new.patient_name, new.patient_mrn, new.visit_date, new.summary, new.source);
END;

CREATE VIRTUAL TABLE stagings_fts USING fts5(
    raz_id, content = 'stagings', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO stagings_fts(stagings_fts) VALUES ('rebuild');
CREATE TRIGGER stagings_fts_insert AFTER INSERT ON stagings WHEN new.raz_id IS NOT NULL BEGIN
    INSERT INTO stagings_fts(rowid, raz_id) VALUES (new.id, new.raz_id);
END;
CREATE TRIGGER stagings_fts_update AFTER UPDATE OF raz_id ON stagings BEGIN
    INSERT INTO stagings_fts(stagings_fts, rowid, raz_id)
    SELECT 'delete', old.id, old.raz_id WHERE old.raz_id IS NOT NULL;
    INSERT INTO stagings_fts(rowid, raz_id) SELECT new.id, new.raz_id WHERE new.raz_id IS NOT NULL;
END;
CREATE INDEX deliveries_by_staging ON deliveries(staging_id);
CREATE INDEX encounters_by_mrn ON encounters(patient_mrn);
