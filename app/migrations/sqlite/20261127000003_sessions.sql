-- Signed-in sessions, in the database so any instance can serve any request. Only a SHA-256
-- of the session id is stored. Idle and absolute timeouts are checked against these times.
CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('patient', 'staff')),
    subject         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (kind, subject);
