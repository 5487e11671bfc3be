-- Local accounts (argon2id PHC strings), browser sessions and API tokens (PostgreSQL). Secrets are
-- never stored: sessions and tokens are kept as the hex SHA-256 of the value handed out.

CREATE TABLE users (
    username TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    profile TEXT NOT NULL,
    disabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL REFERENCES users (username),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL REFERENCES users (username),
    scope TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (username);
