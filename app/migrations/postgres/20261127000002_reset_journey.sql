-- Step tokens: proof that a patient matched a PIN document, valid for 10 minutes and one use.
-- Only a SHA-256 of the token is stored.
CREATE TABLE step_tokens (
    token_hash        TEXT PRIMARY KEY,
    pin_document_id   TEXT NOT NULL REFERENCES pin_documents (id),
    expires_at        BIGINT NOT NULL,
    used_at           BIGINT,
    created_at        BIGINT NOT NULL
);

-- Failure counters for throttling, in the database so every instance sees the same counts.
CREATE TABLE throttles (
    key                 TEXT PRIMARY KEY,
    count               BIGINT NOT NULL,
    window_started_at   BIGINT NOT NULL,
    locked_until        BIGINT NOT NULL DEFAULT 0
);
