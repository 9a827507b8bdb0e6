-- Tamper evidence: each audit entry carries the hash of the one before it (a chain), and the
-- head of the chain is kept in one row, which every writer takes in turn.
CREATE TABLE audit_chain (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    last_hash   TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, last_hash) VALUES (1, 0, 'genesis');

-- Entries written before the chain existed keep NULLs: `relink audit verify` counts them apart.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN entry_hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
