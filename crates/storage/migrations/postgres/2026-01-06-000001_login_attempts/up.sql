-- Failed logins per username, shared by every server instance (spec S3: at most 100 an hour).
-- The username is kept only as the hex SHA-256 of its lower-case form (people sometimes type a
-- password into the username box). A row is one fixed window: it opens at the first failure
-- and closes an hour later; closed windows are swept when the next failure is recorded.

CREATE TABLE login_attempts (
    username_hash TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
