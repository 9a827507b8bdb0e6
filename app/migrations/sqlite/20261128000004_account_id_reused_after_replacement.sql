-- A replacement account keeps the Account ID of the account it replaces (the practice's PIN
-- documents print it), so an Account ID is unique among *active* accounts only.
--
-- SQLite cannot drop a UNIQUE constraint: the table is rebuilt, which needs foreign keys off,
-- and that pragma is ignored inside a transaction. sqlx 0.8 runs every SQLite migration in one,
-- so this file ends it, rebuilds in a transaction of its own, and opens a new one for sqlx to
-- commit with its bookkeeping. The rebuild is idempotent, so a crash between the two commits
-- only means it runs again.
COMMIT;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE online_accounts_rebuilt (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    practice_ods      TEXT NOT NULL REFERENCES practices (ods_code),
    account_id        TEXT NOT NULL,
    email             TEXT,
    passphrase_hash   TEXT,
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
    replaced_by       TEXT REFERENCES online_accounts (id),
    last_used_at      BIGINT,
    created_at        BIGINT NOT NULL
);
INSERT INTO online_accounts_rebuilt
    (id, patient_id, practice_ods, account_id, email, passphrase_hash, status, replaced_by,
     last_used_at, created_at)
SELECT id, patient_id, practice_ods, account_id, email, passphrase_hash, status, replaced_by,
       last_used_at, created_at
FROM online_accounts;
DROP TABLE online_accounts;
ALTER TABLE online_accounts_rebuilt RENAME TO online_accounts;
CREATE INDEX online_accounts_patient ON online_accounts (patient_id);
CREATE UNIQUE INDEX online_accounts_active_account_id ON online_accounts (practice_ods, account_id)
    WHERE status = 'active';
COMMIT;
PRAGMA foreign_keys = ON;
BEGIN;
