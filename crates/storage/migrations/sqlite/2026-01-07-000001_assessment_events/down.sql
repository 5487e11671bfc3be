-- Puts each document's event log back inside it (every stored version gets the events up to
-- its own version).
DROP TRIGGER assessments_version_step;
DROP TRIGGER assessments_locked_answers;
DROP TRIGGER assessment_versions_no_update;
UPDATE assessments SET document = json_set(document, '$.events', (
    SELECT json_group_array(json(event)) FROM (
        SELECT event FROM assessment_events e
        WHERE e.assessment_id = assessments.id ORDER BY e.version)));
UPDATE assessment_versions SET document = json_set(document, '$.events', (
    SELECT json_group_array(json(event)) FROM (
        SELECT event FROM assessment_events e
        WHERE e.assessment_id = assessment_versions.assessment_id
          AND e.version <= assessment_versions.version
        ORDER BY e.version)));
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
DROP TRIGGER assessment_events_no_update;
DROP TRIGGER assessment_events_no_delete;
DROP TABLE assessment_events;
