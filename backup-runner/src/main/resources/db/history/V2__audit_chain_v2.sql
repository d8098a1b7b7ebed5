-- Audit chain, version 2: the hashed payload covers every column of the row (hash_version, seq,
-- at, namespace, name, action, backup_id, location, sha256, reason, prev_hash), and the chain can
-- record its own restart (CHAIN_RESTARTED) and an operator's acknowledgement (ACKNOWLEDGED).
-- Rows written before this migration keep hash_version 1: their payload lacks seq and prev_hash
-- and is checked by the first rule (the same row_hash formula, payload compared with the columns).
ALTER TABLE IF EXISTS backup_audit ADD COLUMN hash_version smallint NOT NULL DEFAULT 1;
ALTER TABLE IF EXISTS backup_audit ALTER COLUMN hash_version DROP DEFAULT;
ALTER TABLE IF EXISTS backup_audit ADD CONSTRAINT backup_audit_hash_version_check CHECK (hash_version IN (1, 2));

ALTER TABLE IF EXISTS backup_audit DROP CONSTRAINT backup_audit_action_check;
ALTER TABLE IF EXISTS backup_audit ADD CONSTRAINT backup_audit_action_check
    CHECK (action IN ('CREATED', 'DELETED', 'CHAIN_RESTARTED', 'ACKNOWLEDGED'));

-- IF EXISTS: a table dropped before this migration is re-created by afterMigrate__backup_audit.sql.
