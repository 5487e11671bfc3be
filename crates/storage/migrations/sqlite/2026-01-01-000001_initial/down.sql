-- Reverts the initial schema (development and tests only: it removes every record).
DROP TABLE audit_chain;
DROP TABLE audit_log;
DROP TABLE assessment_versions;
DROP TABLE assessments;
DROP TABLE allocations;
DROP TABLE people;
