-- What PDS (the NHS Spine) last said about each patient, read by the PDS client (issue #21) or
-- seeded in demo mode. Fields PDS may leave out (a minimal record has no name or birth date)
-- are NULL. A restricted (R) or very restricted (V) record never has an address here: the
-- CHECK refuses one, whoever writes the row.
CREATE TABLE pds_records (
    patient_id      TEXT PRIMARY KEY REFERENCES patients (id),
    version_id      TEXT,
    given_name      TEXT,
    family_name     TEXT,
    date_of_birth   TEXT,
    address_line    TEXT,
    postcode        TEXT,
    gender          TEXT,
    gp_ods          TEXT,
    deceased_on     TEXT,
    confidentiality TEXT NOT NULL DEFAULT 'U' CHECK (confidentiality IN ('U', 'R', 'V')),
    -- What the last lookup found: the record, or that PDS no longer has it (the values are
    -- then the last ones read, if any).
    status          TEXT NOT NULL DEFAULT 'found' CHECK (status IN ('found', 'not_found', 'invalidated')),
    read_at         BIGINT NOT NULL,
    CHECK (confidentiality = 'U' OR (address_line IS NULL AND postcode IS NULL))
);

-- The background refresh reads the oldest first.
CREATE INDEX pds_records_by_read_at ON pds_records (read_at);

INSERT INTO pds_records (patient_id, given_name, family_name, date_of_birth, address_line,
                         postcode, confidentiality, read_at)
SELECT patient_id, given_name, family_name, date_of_birth, address_line, postcode, 'U', updated_at
FROM demographics WHERE source = 'pds';

DELETE FROM demographics WHERE source = 'pds';
