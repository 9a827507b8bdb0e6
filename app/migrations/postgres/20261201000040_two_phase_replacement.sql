-- Two-phase replacement: a request waits ("pending") with the new address, while the old
-- account stays active, until the patient activates it with a PIN document ("completed") or
-- the old account's owner cancels it with the link sent to the old address ("cancelled").
-- The new account exists only once activated, so new_account_id may be empty.
-- Rows from before were replaced at once: they are "completed".
ALTER TABLE replacement_requests ALTER COLUMN new_account_id DROP NOT NULL;
ALTER TABLE replacement_requests ADD COLUMN status TEXT NOT NULL DEFAULT 'completed'
    CHECK (status IN ('pending', 'cancelled', 'completed'));
ALTER TABLE replacement_requests ADD COLUMN new_email TEXT;
-- SHA-256 of the one-click cancel link's token; the token itself is only in the outbox.
ALTER TABLE replacement_requests ADD COLUMN cancel_token_hash TEXT;
ALTER TABLE replacement_requests ADD COLUMN cancel_expires_at BIGINT;
ALTER TABLE replacement_requests ADD COLUMN decided_at BIGINT;
UPDATE replacement_requests SET decided_at = created_at;
CREATE INDEX replacement_requests_old_account ON replacement_requests (old_account_id, status);
CREATE UNIQUE INDEX replacement_requests_cancel_token ON replacement_requests (cancel_token_hash);

-- A reset step started from /replace-account/activate finishes that request, not a reset.
ALTER TABLE step_tokens ADD COLUMN replacement_request_id TEXT REFERENCES replacement_requests (id);
