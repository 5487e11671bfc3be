-- People, allocations, assessments with insert-only history, and the hash-chained audit log (SQLite).
-- Times are UTC milliseconds since the epoch; ids are hyphenated UUID text; documents are JSON text.

CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    crn TEXT UNIQUE,
    nomis_id TEXT UNIQUE,
    pnc TEXT UNIQUE,
    family_key TEXT NOT NULL,
    given_key TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX people_name ON people (family_key, given_key, id);

CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
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

-- The current row changes only one version at a time (or to clear its review date).
CREATE TRIGGER assessments_version_step BEFORE UPDATE ON assessments
WHEN NEW.id <> OLD.id OR NEW.person_id <> OLD.person_id
  OR (NEW.version <> OLD.version + 1
      AND NOT (NEW.version = OLD.version AND NEW.document = OLD.document AND NEW.review_due IS NULL))
BEGIN SELECT RAISE(ABORT, 'oasys: assessment version must step by one'); END;

-- A locked assessment keeps its answers unless it is reopened; a voided one never changes.
CREATE TRIGGER assessments_locked_answers BEFORE UPDATE ON assessments
WHEN (OLD.locked AND NEW.locked AND NEW.answers_hash <> OLD.answers_hash)
  OR (OLD.voided AND NEW.document <> OLD.document)
BEGIN SELECT RAISE(ABORT, 'oasys: assessment is locked'); END;

CREATE TRIGGER assessments_locked_delete BEFORE DELETE ON assessments
WHEN OLD.locked OR OLD.voided
BEGIN SELECT RAISE(ABORT, 'oasys: assessment is locked'); END;

CREATE TABLE assessment_versions (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);

CREATE TRIGGER assessment_versions_no_update BEFORE UPDATE ON assessment_versions
BEGIN SELECT RAISE(ABORT, 'oasys: assessment history is insert-only'); END;
CREATE TRIGGER assessment_versions_no_delete BEFORE DELETE ON assessment_versions
BEGIN SELECT RAISE(ABORT, 'oasys: assessment history is insert-only'); END;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY NOT NULL,
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

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'oasys: audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'oasys: audit log is append-only'); END;

-- The chain head: the writer lock for appends and the checkpoint that reveals truncation.
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    head_seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, head_seq, head_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
WHEN NEW.head_seq < OLD.head_seq OR NEW.id <> OLD.id
BEGIN SELECT RAISE(ABORT, 'oasys: audit chain head only moves forward'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'oasys: audit chain head cannot be removed'); END;
