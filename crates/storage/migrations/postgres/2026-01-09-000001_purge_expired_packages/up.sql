-- Document history stays insert-only, with one exception (sharing spec §3.5): when a released
-- disclosure package expires its content is purged, so each earlier revision of the package may
-- be overwritten with the package's current body, once that body is the expired manifest.
-- Nothing else about a revision (which document, which revision, when) may change; deletes and
-- truncation stay refused.
CREATE FUNCTION oasys_document_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current_kind TEXT;
    current_body TEXT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT kind, body INTO current_kind, current_body FROM documents WHERE id = OLD.document_id;
        IF NEW.document_id = OLD.document_id AND NEW.revision = OLD.revision
           AND NEW.stored_at_ms = OLD.stored_at_ms
           AND current_kind = 'disclosure_package'
           AND NEW.body = current_body
           AND (NEW.body::jsonb ->> 'status') = 'expired' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'oasys: % is insert-only', TG_TABLE_NAME;
END
$$;
DROP TRIGGER document_revisions_insert_only ON document_revisions;
CREATE TRIGGER document_revisions_insert_only BEFORE UPDATE OR DELETE ON document_revisions
FOR EACH ROW EXECUTE FUNCTION oasys_document_revision_guard();
