-- Document history stays insert-only, with one exception (sharing spec §3.5): when a released
-- disclosure package expires its content is purged, so each earlier revision of the package may
-- be overwritten with the package's current body, once that body is the expired manifest.
-- Nothing else about a revision (which document, which revision, when) may change.
DROP TRIGGER document_revisions_no_update;
CREATE TRIGGER document_revisions_no_update BEFORE UPDATE ON document_revisions
WHEN NOT (
    NEW.document_id = OLD.document_id
    AND NEW.revision = OLD.revision
    AND NEW.stored_at_ms = OLD.stored_at_ms
    AND (SELECT kind FROM documents WHERE id = OLD.document_id) = 'disclosure_package'
    AND NEW.body = (SELECT body FROM documents WHERE id = OLD.document_id)
    AND json_extract(NEW.body, '$.status') = 'expired'
)
BEGIN SELECT RAISE(ABORT, 'oasys: document history is insert-only'); END;
