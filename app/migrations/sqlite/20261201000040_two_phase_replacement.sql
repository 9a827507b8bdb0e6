-- Two-phase replacement: a request waits ("pending") with the new address, while the old
-- account stays active, until the patient activates it with a PIN document ("completed") or
-- the old account's owner cancels it with the link sent to the old address ("cancelled").
-- The new account exists only once activated, so new_account_id may be empty.
--
-- SQLite cannot drop NOT NULL: the table is rebuilt as in 20261128000004 (foreign keys off,
-- outside sqlx's transaction). Rows from before were replaced at once: they are "completed".
COMMIT;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE replacement_requests_rebuilt (
    id                  TEXT PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    patient_id          TEXT NOT NULL REFERENCES patients (id),
    practice_ods        TEXT NOT NULL REFERENCES practices (ods_code),
    old_account_id      TEXT NOT NULL REFERENCES online_accounts (id),
    new_account_id      TEXT REFERENCES online_accounts (id),
    created_at          BIGINT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'completed'
                        CHECK (status IN ('pending', 'cancelled', 'completed')),
    new_email           TEXT,
    -- SHA-256 of the one-click cancel link's token; the token itself is only in the outbox.
    cancel_token_hash   TEXT,
    cancel_expires_at   BIGINT,
    decided_at          BIGINT
);
INSERT INTO replacement_requests_rebuilt
    (id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at,
     status, decided_at)
SELECT id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at,
       'completed', created_at
FROM replacement_requests;
DROP TABLE replacement_requests;
ALTER TABLE replacement_requests_rebuilt RENAME TO replacement_requests;
CREATE INDEX replacement_requests_practice ON replacement_requests (practice_ods, created_at);
CREATE INDEX replacement_requests_old_account ON replacement_requests (old_account_id, status);
CREATE UNIQUE INDEX replacement_requests_cancel_token ON replacement_requests (cancel_token_hash);
COMMIT;
PRAGMA foreign_keys = ON;
BEGIN;

-- A reset step started from /replace-account/activate finishes that request, not a reset.
ALTER TABLE step_tokens ADD COLUMN replacement_request_id TEXT REFERENCES replacement_requests (id);
