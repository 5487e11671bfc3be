-- Case access (team areas, LAO lists, staff relationships) and versioned JSON documents with an
-- insert-only revision history (PostgreSQL). Same tables, columns and rules as the SQLite one.

CREATE TABLE teams (
    code TEXT PRIMARY KEY NOT NULL,
    area TEXT NOT NULL
);

CREATE TABLE lao_lists (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE case_relationships (
    id BIGSERIAL PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    staff_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_ms BIGINT NOT NULL,
    until_ms BIGINT
);
CREATE INDEX case_relationships_person ON case_relationships (person_id, id);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    parent_id TEXT,
    revision BIGINT NOT NULL,
    body TEXT NOT NULL,
    stored_at_ms BIGINT NOT NULL,
    first_stored_at_ms BIGINT NOT NULL
);
CREATE INDEX documents_person ON documents (kind, person_id, first_stored_at_ms, id);
CREATE INDEX documents_kind ON documents (kind, first_stored_at_ms, id);

-- The current row steps one revision at a time and never changes what it is or whose it is.
CREATE FUNCTION oasys_document_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'oasys: documents are kept';
    END IF;
    IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.person_id <> OLD.person_id
       OR NEW.parent_id IS DISTINCT FROM OLD.parent_id
       OR NEW.first_stored_at_ms <> OLD.first_stored_at_ms
       OR NEW.revision <> OLD.revision + 1 THEN
        RAISE EXCEPTION 'oasys: document revision must step by one';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_guard BEFORE UPDATE OR DELETE ON documents
FOR EACH ROW EXECUTE FUNCTION oasys_document_guard();

CREATE TABLE document_revisions (
    document_id TEXT NOT NULL REFERENCES documents (id),
    revision BIGINT NOT NULL,
    body TEXT NOT NULL,
    stored_at_ms BIGINT NOT NULL,
    PRIMARY KEY (document_id, revision)
);
CREATE TRIGGER document_revisions_insert_only BEFORE UPDATE OR DELETE ON document_revisions
FOR EACH ROW EXECUTE FUNCTION oasys_refuse_change();
CREATE TRIGGER document_revisions_no_truncate BEFORE TRUNCATE ON document_revisions
FOR EACH STATEMENT EXECUTE FUNCTION oasys_refuse_change();
