-- Reverts the initial schema (development and tests only: it removes every record).
DROP TABLE audit_chain;
DROP TABLE audit_log;
DROP TABLE assessment_versions;
DROP TABLE assessments;
DROP TABLE allocations;
DROP TABLE people;
DROP FUNCTION oasys_refuse_change();
DROP FUNCTION oasys_assessment_guard();
DROP FUNCTION oasys_audit_chain_guard();
