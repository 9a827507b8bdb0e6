-- Staff who sign in with an OpenID Connect provider (NHS CIS2). Their member row is made and
-- kept up to date from the provider's claims at each sign-in; `provider_subject` is the
-- provider's `sub` for them, NULL for a member with a local password. A member with one never
-- signs in with the local form (their password_hash is no Argon2 hash either).
ALTER TABLE staff_members ADD COLUMN provider_subject TEXT;
CREATE UNIQUE INDEX staff_members_provider_subject ON staff_members (provider_subject);

-- A sign-in with the provider in progress: what the callback must check, keyed by the SHA-256
-- of the random value in the browser's cookie. Taken (deleted) by the callback, so used once;
-- refused after `expires_at` (10 minutes), and purged by the retention task then.
CREATE TABLE staff_provider_logins (
    id_hash         TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    pkce_verifier   TEXT NOT NULL,
    -- The checked staff page to go on to (StaffReturnPath), or empty for the staff home.
    next_path       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX staff_provider_logins_expiry ON staff_provider_logins (expires_at);
