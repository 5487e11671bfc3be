-- The event log of an assessment moves out of its document into one insert-only row per event:
-- the log grows with every answer, so keeping it inside the document made every save rewrite it
-- and every stored version copy it.
CREATE TABLE assessment_events (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    version BIGINT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
CREATE TRIGGER assessment_events_no_update BEFORE UPDATE ON assessment_events
BEGIN SELECT RAISE(ABORT, 'oasys: assessment events are insert-only'); END;
CREATE TRIGGER assessment_events_no_delete BEFORE DELETE ON assessment_events
BEGIN SELECT RAISE(ABORT, 'oasys: assessment events are insert-only'); END;

INSERT INTO assessment_events (assessment_id, version, event)
SELECT a.id, json_extract(e.value, '$.version'), e.value
FROM assessments a, json_each(a.document, '$.events') e;

-- Stripping the log changes documents in place, which the guards refuse: lift them meanwhile.
DROP TRIGGER assessments_version_step;
DROP TRIGGER assessments_locked_answers;
DROP TRIGGER assessment_versions_no_update;
UPDATE assessments SET document = json_remove(document, '$.events');
UPDATE assessment_versions SET document = json_remove(document, '$.events');
CREATE TRIGGER assessments_version_step BEFORE UPDATE ON assessments
WHEN NEW.id <> OLD.id OR NEW.person_id <> OLD.person_id
  OR (NEW.version <> OLD.version + 1
      AND NOT (NEW.version = OLD.version AND NEW.document = OLD.document AND NEW.review_due IS NULL))
BEGIN SELECT RAISE(ABORT, 'oasys: assessment version must step by one'); END;
CREATE TRIGGER assessments_locked_answers BEFORE UPDATE ON assessments
WHEN (OLD.locked AND NEW.locked AND NEW.answers_hash <> OLD.answers_hash)
  OR (OLD.voided AND NEW.document <> OLD.document)
BEGIN SELECT RAISE(ABORT, 'oasys: assessment is locked'); END;
CREATE TRIGGER assessment_versions_no_update BEFORE UPDATE ON assessment_versions
BEGIN SELECT RAISE(ABORT, 'oasys: assessment history is insert-only'); END;
