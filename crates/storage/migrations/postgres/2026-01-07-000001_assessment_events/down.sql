-- Puts each document's event log back inside it (every stored version gets the events up to
-- its own version).
ALTER TABLE assessments DISABLE TRIGGER assessments_guard;
ALTER TABLE assessment_versions DISABLE TRIGGER assessment_versions_insert_only;
UPDATE assessments a SET document = jsonb_set(a.document::JSONB, '{events}', COALESCE((
    SELECT jsonb_agg(e.event::JSONB ORDER BY e.version) FROM assessment_events e
    WHERE e.assessment_id = a.id), '[]'::JSONB))::TEXT;
UPDATE assessment_versions v SET document = jsonb_set(v.document::JSONB, '{events}', COALESCE((
    SELECT jsonb_agg(e.event::JSONB ORDER BY e.version) FROM assessment_events e
    WHERE e.assessment_id = v.assessment_id AND e.version <= v.version), '[]'::JSONB))::TEXT;
ALTER TABLE assessments ENABLE TRIGGER assessments_guard;
ALTER TABLE assessment_versions ENABLE TRIGGER assessment_versions_insert_only;
DROP TABLE assessment_events;
