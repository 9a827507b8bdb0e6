-- Replacing an account: the journey in progress, the requests made, and the email outbox.

-- A patient part-way through /replace-account, found by the SHA-256 of the cookie's token.
CREATE TABLE replacement_journeys (
    token_hash          TEXT PRIMARY KEY,
    patient_id          TEXT NOT NULL REFERENCES patients (id),
    old_account_id      TEXT NOT NULL REFERENCES online_accounts (id),
    new_email           TEXT,
    -- SHA-256 of the token and the 6-digit code: the code itself is only in the outbox.
    code_hash           TEXT,
    code_expires_at     BIGINT,
    code_attempts       BIGINT NOT NULL DEFAULT 0,
    codes_sent          BIGINT NOT NULL DEFAULT 0,
    email_confirmed_at  BIGINT,
    request_id          TEXT,
    expires_at          BIGINT NOT NULL,
    created_at          BIGINT NOT NULL
);

-- One row per replacement made. The old account stays, marked replaced, pointing at the new.
CREATE TABLE replacement_requests (
    id                  TEXT PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    patient_id          TEXT NOT NULL REFERENCES patients (id),
    practice_ods        TEXT NOT NULL REFERENCES practices (ods_code),
    old_account_id      TEXT NOT NULL REFERENCES online_accounts (id),
    new_account_id      TEXT NOT NULL REFERENCES online_accounts (id),
    created_at          BIGINT NOT NULL
);
CREATE INDEX replacement_requests_practice ON replacement_requests (practice_ods, created_at);

-- Messages written in the same transaction as the change that causes them, delivered by a
-- background worker. A worker claims a message until claimed_until, so only one sends it.
CREATE TABLE outbox (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient           TEXT NOT NULL,
    subject             TEXT NOT NULL,
    body                TEXT NOT NULL,
    purpose             TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    claimed_until       BIGINT NOT NULL DEFAULT 0,
    sent_at             BIGINT,
    delivered_via       TEXT,
    last_error          TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);
