-- Replicas learn of signing-key rotations through the change feed (V7): every write to signing_keys is stamped with
-- its transaction id and announced on channel mandate_changes when it commits, so a key rotated on one replica signs
-- and is published on every other one at its next poll, without a restart (see dev.mandate.store.PostgresChangeFeed).
ALTER TABLE signing_keys ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX signing_keys_change_xid ON signing_keys (change_xid);

CREATE TRIGGER signing_keys_stamp BEFORE UPDATE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION mandate_stamp_change();
CREATE TRIGGER signing_keys_announce AFTER INSERT OR UPDATE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION mandate_announce_change();
