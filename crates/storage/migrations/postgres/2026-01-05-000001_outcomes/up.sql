-- Proven reoffending outcomes, one per person, imported from an outside source (PostgreSQL). Same
-- table and columns as the SQLite one. Dates are calendar dates.

CREATE TABLE outcomes (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    follow_up_start DATE NOT NULL,
    follow_up_end DATE NOT NULL,
    first_reoffence DATE,
    offence_category TEXT,
    violent BOOLEAN NOT NULL,
    sexual BOOLEAN NOT NULL,
    CHECK (follow_up_end >= follow_up_start),
    CHECK (first_reoffence IS NULL OR (first_reoffence >= follow_up_start AND first_reoffence <= follow_up_end)),
    CHECK (first_reoffence IS NOT NULL OR (offence_category IS NULL AND NOT violent AND NOT sexual))
);

-- The cohort query reads locked, not voided assessments.
CREATE INDEX assessments_locked ON assessments (locked, voided, person_id);
