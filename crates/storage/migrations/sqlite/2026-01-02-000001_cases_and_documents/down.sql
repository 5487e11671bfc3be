-- Reverts case access and documents (development and tests only: it removes every record).
DROP TABLE document_revisions;
DROP TABLE documents;
DROP TABLE case_relationships;
DROP TABLE lao_lists;
DROP TABLE teams;
