-- A staff member who left (or whose account is suspended) is disabled, never deleted: their
-- name stays on the audit events they caused. NULL while they may sign in.
ALTER TABLE staff_members ADD COLUMN disabled_at BIGINT;
