-- The staff home page lists the NHS numbers that reached the daily cap on identity checks in
-- the last 24 hours: one kind of event, recent, across every practice for an administrator.
CREATE INDEX audit_events_kind ON audit_events (kind, occurred_at);
