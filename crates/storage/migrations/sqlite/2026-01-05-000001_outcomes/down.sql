-- Reverts outcomes (development and tests only: it removes every outcome).
DROP INDEX assessments_locked;
DROP TABLE outcomes;
