-- Replicas (PostgreSQL only; the embedded H2 store serves one node). Every write to mandates and agents is stamped
-- with the id of its transaction (xid8) and announced on channel mandate_changes when it commits. A replica LISTENs
-- for the announcement and then polls the rows stamped since the oldest transaction still running at its previous
-- poll, and polls on a timer as well: a lost notification costs at most one poll interval, and a transaction that
-- commits after a later one is never skipped (see dev.mandate.store.PostgresChangeFeed).
ALTER TABLE mandates ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE agents ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX mandates_change_xid ON mandates (change_xid);
CREATE INDEX agents_change_xid ON agents (change_xid);

CREATE FUNCTION mandate_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    RETURN NEW;
END
$$;

-- One notification per statement; PostgreSQL folds identical ones of a transaction into one, sent at commit.
CREATE FUNCTION mandate_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mandate_changes', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER mandates_stamp BEFORE UPDATE ON mandates
    FOR EACH ROW EXECUTE FUNCTION mandate_stamp_change();
CREATE TRIGGER agents_stamp BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION mandate_stamp_change();
CREATE TRIGGER mandates_announce AFTER INSERT OR UPDATE ON mandates
    FOR EACH STATEMENT EXECUTE FUNCTION mandate_announce_change();
CREATE TRIGGER agents_announce AFTER UPDATE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION mandate_announce_change();
