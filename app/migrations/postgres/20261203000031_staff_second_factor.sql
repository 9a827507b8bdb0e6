-- Local staff accounts made safe (issue #22): a TOTP authenticator (its secret, and the last
-- step whose code was used, so no code works twice), ten single-use recovery codes (SHA-256
-- only), a first password that must be changed, and the sign-in steps between the password
-- and the session.
ALTER TABLE staff_members ADD COLUMN totp_secret TEXT;
ALTER TABLE staff_members ADD COLUMN totp_last_step BIGINT;
ALTER TABLE staff_members ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;

CREATE TABLE staff_recovery_codes (
    username        TEXT NOT NULL REFERENCES staff_members (username),
    code_hash       TEXT NOT NULL,
    used_at         BIGINT,
    PRIMARY KEY (username, code_hash)
);

-- A member who gave the right password, on their way to a session: the browser holds the
-- token (only its SHA-256 is here); the secret of an authenticator being set up waits here
-- until a code from it is confirmed.
CREATE TABLE staff_sign_in_steps (
    token_hash      TEXT PRIMARY KEY,
    username        TEXT NOT NULL REFERENCES staff_members (username),
    next_path       TEXT NOT NULL,
    pending_secret  TEXT,
    -- The code (or a recovery code) was right: what is left is a first password or the session.
    second_factor_done BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX staff_sign_in_steps_expiry ON staff_sign_in_steps (expires_at);
