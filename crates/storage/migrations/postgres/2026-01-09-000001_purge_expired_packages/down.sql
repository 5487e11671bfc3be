DROP TRIGGER document_revisions_insert_only ON document_revisions;
CREATE TRIGGER document_revisions_insert_only BEFORE UPDATE OR DELETE ON document_revisions
FOR EACH ROW EXECUTE FUNCTION oasys_refuse_change();
DROP FUNCTION oasys_document_revision_guard();
