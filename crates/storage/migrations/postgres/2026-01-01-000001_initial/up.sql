-- People, allocations, assessments with insert-only history, and the hash-chained audit log (PostgreSQL).
-- Same tables, columns and rules as the SQLite migration of the same name.

CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    crn TEXT UNIQUE,
    nomis_id TEXT UNIQUE,
    pnc TEXT UNIQUE,
    family_key TEXT NOT NULL,
    given_key TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX people_name ON people (family_key text_pattern_ops, given_key text_pattern_ops, id);

CREATE TABLE allocations (
    id BIGSERIAL PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    practitioner TEXT NOT NULL,
    team TEXT NOT NULL,
    allocated_at BIGINT NOT NULL,
    allocated_by TEXT NOT NULL,
    ended_at BIGINT
);
CREATE UNIQUE INDEX allocations_current ON allocations (person_id) WHERE ended_at IS NULL;
CREATE INDEX allocations_caseload ON allocations (practitioner, person_id) WHERE ended_at IS NULL;

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    team TEXT NOT NULL,
    assessor TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    locked BOOLEAN NOT NULL,
    voided BOOLEAN NOT NULL,
    answers_hash TEXT NOT NULL,
    review_due DATE,
    created_at BIGINT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX assessments_person ON assessments (person_id, created_at);
CREATE INDEX assessments_team_due ON assessments (team, review_due) WHERE review_due IS NOT NULL;
CREATE INDEX assessments_assessor_due ON assessments (assessor, review_due) WHERE review_due IS NOT NULL;

CREATE FUNCTION oasys_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'oasys: % is insert-only', TG_TABLE_NAME;
END
$$;

-- The current row changes only one version at a time (or to clear its review date); a locked
-- assessment keeps its answers unless reopened; a voided one never changes.
CREATE FUNCTION oasys_assessment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.locked OR OLD.voided THEN
            RAISE EXCEPTION 'oasys: assessment is locked';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.id <> OLD.id OR NEW.person_id <> OLD.person_id
       OR (NEW.version <> OLD.version + 1
           AND NOT (NEW.version = OLD.version AND NEW.document = OLD.document
                    AND NEW.review_due IS NULL)) THEN
        RAISE EXCEPTION 'oasys: assessment version must step by one';
    END IF;
    IF (OLD.locked AND NEW.locked AND NEW.answers_hash <> OLD.answers_hash)
       OR (OLD.voided AND NEW.document <> OLD.document) THEN
        RAISE EXCEPTION 'oasys: assessment is locked';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER assessments_guard BEFORE UPDATE OR DELETE ON assessments
FOR EACH ROW EXECUTE FUNCTION oasys_assessment_guard();

CREATE TABLE assessment_versions (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
CREATE TRIGGER assessment_versions_insert_only BEFORE UPDATE OR DELETE ON assessment_versions
FOR EACH ROW EXECUTE FUNCTION oasys_refuse_change();
CREATE TRIGGER assessment_versions_no_truncate BEFORE TRUNCATE ON assessment_versions
FOR EACH STATEMENT EXECUTE FUNCTION oasys_refuse_change();

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    occurred_at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    correlation_id TEXT,
    operation TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_person TEXT,
    subject_ref TEXT,
    recipients TEXT NOT NULL,
    justification TEXT,
    outcome TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (subject_person, seq);
CREATE INDEX audit_log_time ON audit_log (occurred_at, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION oasys_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION oasys_refuse_change();

-- The chain head: the writer lock for appends and the checkpoint that reveals truncation.
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    head_seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, head_seq, head_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION oasys_audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.head_seq < OLD.head_seq OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'oasys: audit chain head only moves forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain_forward BEFORE UPDATE OR DELETE ON audit_chain
FOR EACH ROW EXECUTE FUNCTION oasys_audit_chain_guard();
