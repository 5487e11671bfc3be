-- Reverts accounts, sessions and API tokens (development and tests only: it removes every record).
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
