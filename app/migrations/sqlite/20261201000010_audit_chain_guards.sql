-- Once the chain has begun, every entry must be in it: a row written straight into the table
-- without its place and hashes (by someone with the database's rights, not through Relink) is
-- refused. Rows from before the chain existed are untouched.
CREATE TRIGGER audit_events_chained_only BEFORE INSERT ON audit_events
WHEN (NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.entry_hash IS NULL)
     AND (SELECT seq FROM audit_chain WHERE id = 1) > 0
BEGIN
    SELECT RAISE(ABORT, 'audit_events: an entry outside the hash chain is refused');
END;

-- The head only moves forward: winding it back (to hide entries cut off the end) or removing
-- it is refused. Signed checkpoints catch whoever drops these triggers first.
CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_chain
WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'audit_chain only moves forward');
END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain only moves forward');
END;
