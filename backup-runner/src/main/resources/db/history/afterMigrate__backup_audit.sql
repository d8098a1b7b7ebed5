-- Runs after every Flyway migrate. A backup_audit table that was dropped after its migrations ran
-- is re-created here in its current shape (V1 + V2); the runner then writes a CHAIN_RESTARTED row
-- saying so. Keep in step with the V migrations (AuditTableRecreateIT compares both shapes).
CREATE OR REPLACE FUNCTION backup_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'backup_audit is append-only';
END
$$;

DO $$
BEGIN
    IF to_regclass('backup_audit') IS NULL THEN
        CREATE TABLE backup_audit (
            seq          bigserial   PRIMARY KEY,
            at           timestamptz NOT NULL,
            namespace    text        NOT NULL,
            name         text        NOT NULL,
            action       text        NOT NULL,
            backup_id    text        NOT NULL,
            location     text        NOT NULL,
            sha256       text,
            reason       text,
            payload      text        NOT NULL,
            prev_hash    text        NOT NULL,
            row_hash     text        NOT NULL UNIQUE,
            hash_version smallint    NOT NULL,
            CONSTRAINT backup_audit_action_check
                CHECK (action IN ('CREATED', 'DELETED', 'CHAIN_RESTARTED', 'ACKNOWLEDGED')),
            CONSTRAINT backup_audit_hash_version_check CHECK (hash_version IN (1, 2))
        );
        CREATE TRIGGER backup_audit_append_only
            BEFORE UPDATE OR DELETE ON backup_audit
            FOR EACH ROW EXECUTE FUNCTION backup_audit_append_only();
        CREATE TRIGGER backup_audit_no_truncate
            BEFORE TRUNCATE ON backup_audit
            FOR EACH STATEMENT EXECUTE FUNCTION backup_audit_append_only();
    END IF;
END
$$;

COMMENT ON TABLE backup_audit IS
    'Audit trail: row_hash = sha256(prev_hash || E''\n'' || payload), prev_hash of the first row is 64 zeros; payload is canonical JSON of every other column (hash_version 2; 1: without seq, v and prevHash)';
