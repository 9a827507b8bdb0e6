-- Once the chain has begun, every entry must be in it: a row written straight into the table
-- without its place and hashes (by someone with the database's rights, not through Relink) is
-- refused. Rows from before the chain existed are untouched.
CREATE FUNCTION audit_events_chained_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.entry_hash IS NULL)
       AND (SELECT seq FROM audit_chain WHERE id = 1) > 0 THEN
        RAISE EXCEPTION 'audit_events: an entry outside the hash chain is refused';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_events_chained_only BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chained_only();

-- TRUNCATE fires no row triggers, so the append-only rule needs a statement trigger too.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The head only moves forward: winding it back (to hide entries cut off the end), removing or
-- truncating it is refused. Signed checkpoints catch whoever drops these triggers first.
CREATE FUNCTION audit_chain_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'audit_chain only moves forward';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_forward_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_forward_only();
