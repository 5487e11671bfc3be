DROP TRIGGER document_revisions_no_update;
CREATE TRIGGER document_revisions_no_update BEFORE UPDATE ON document_revisions
BEGIN SELECT RAISE(ABORT, 'oasys: document history is insert-only'); END;
