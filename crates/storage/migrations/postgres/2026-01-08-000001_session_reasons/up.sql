-- The reason a signed-in user gave for opening one limited access person's record, kept for the
-- rest of their browser session so that the pages about that person can state it (sharing spec
-- §4: justification is mandatory for consultations of LAO records). Keyed by the session: a
-- reason ends with it (sign-out, ending a user's sessions, or expiry, which the read checks).
CREATE TABLE session_reasons (
    session_hash TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    PRIMARY KEY (session_hash, person_id)
);
