-- Relink schema (SQLite). Kept column-for-column in step with ../postgres: queries are shared.
-- Dates are ISO 8601 text (YYYY-MM-DD); instants are Unix seconds. Both sort correctly and are
-- read the same way by sqlx's Any driver on SQLite and PostgreSQL. Flags are BIGINT 0/1:
-- the Any driver cannot read SQLite's BOOLEAN columns.

CREATE TABLE practices (
    ods_code              TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    clinical_system       TEXT NOT NULL CHECK (clinical_system IN ('TPP', 'EMIS')),
    offers_appointments   BIGINT NOT NULL DEFAULT 1,
    offers_prescriptions  BIGINT NOT NULL DEFAULT 1,
    offers_record         BIGINT NOT NULL DEFAULT 1,
    offers_messages       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE patients (
    id                      TEXT PRIMARY KEY,
    practice_ods            TEXT NOT NULL REFERENCES practices (ods_code),
    nhs_number              TEXT NOT NULL UNIQUE,
    is_test                 BIGINT NOT NULL DEFAULT 0,
    joined_practice_on      TEXT NOT NULL,
    access_requested_on     TEXT,
    record_access_level     TEXT NOT NULL DEFAULT 'none'
        CHECK (record_access_level IN ('none', 'summary', 'dcr', 'full')),
    record_visible_rule     TEXT NOT NULL DEFAULT 'joined'
        CHECK (record_visible_rule IN ('practice_set', 'joined', 'requested')),
    record_visible_from     TEXT,
    wants_appointments      BIGINT NOT NULL DEFAULT 1,
    wants_prescriptions     BIGINT NOT NULL DEFAULT 1,
    wants_record            BIGINT NOT NULL DEFAULT 1,
    wants_messages          BIGINT NOT NULL DEFAULT 1,
    created_at              BIGINT NOT NULL
);

-- One row per source: what the practice's clinical system holds and what PDS (Spine) holds.
CREATE TABLE demographics (
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    source          TEXT NOT NULL CHECK (source IN ('clinical_system', 'pds')),
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    date_of_birth   TEXT NOT NULL,
    address_line    TEXT NOT NULL,
    postcode        TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (patient_id, source)
);

CREATE TABLE online_accounts (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    practice_ods      TEXT NOT NULL REFERENCES practices (ods_code),
    account_id        TEXT NOT NULL,
    email             TEXT,
    passphrase_hash   TEXT,
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
    replaced_by       TEXT REFERENCES online_accounts (id),
    last_used_at      BIGINT,
    created_at        BIGINT NOT NULL,
    UNIQUE (practice_ods, account_id)
);
CREATE INDEX online_accounts_patient ON online_accounts (patient_id);

-- The one-time secret is stored only as an Argon2id PHC string.
CREATE TABLE pin_documents (
    id                  TEXT PRIMARY KEY,
    online_account_id   TEXT NOT NULL REFERENCES online_accounts (id),
    secret_hash         TEXT NOT NULL,
    printed_on          TEXT NOT NULL,
    expires_on          TEXT NOT NULL,
    used_at             BIGINT,
    revoked_at          BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX pin_documents_account ON pin_documents (online_account_id);

-- Append-only: the triggers below refuse every UPDATE and DELETE.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at     BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    actor           TEXT NOT NULL,
    practice_ods    TEXT,
    patient_id      TEXT,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_practice ON audit_events (practice_ods, occurred_at);
CREATE INDEX audit_events_patient ON audit_events (patient_id, occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
