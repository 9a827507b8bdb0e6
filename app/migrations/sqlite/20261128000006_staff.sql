-- Practice staff: who they are, which practices they work for, and their previews.

CREATE TABLE staff_members (
    username        TEXT PRIMARY KEY,
    -- Argon2id PHC string; the password itself is shown once, when the member is added.
    password_hash   TEXT NOT NULL,
    is_admin        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);

CREATE TABLE staff_practices (
    username        TEXT NOT NULL REFERENCES staff_members (username),
    practice_ods    TEXT NOT NULL REFERENCES practices (ods_code),
    PRIMARY KEY (username, practice_ods)
);

-- A staff member looking at what a test patient sees: time-boxed, with the reason given.
CREATE TABLE previews (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL REFERENCES staff_members (username),
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    reason          TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    ended_at        BIGINT
);

-- Who issued a PIN document, and which identity check they recorded (NULL for older ones).
ALTER TABLE pin_documents ADD COLUMN issued_by TEXT;
ALTER TABLE pin_documents ADD COLUMN identity_check TEXT;
