-- Facts about the database itself, one row each. `created_by = demo`: `relink --demo` made it,
-- so its staff passwords and PIN passphrases are published, and only demo mode may serve it;
-- demo mode, in turn, refuses a database holding data without this row.
CREATE TABLE instance_facts (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    set_at      BIGINT NOT NULL
);
