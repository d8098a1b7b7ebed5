-- BATCH-101 TBL-039: one row per run, inserted RUNNING at start and completed at the end.
CREATE TABLE backup_history (
    id             bigserial   PRIMARY KEY,
    backup_id      text        NOT NULL UNIQUE,
    namespace      text        NOT NULL,
    name           text        NOT NULL,
    type           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED')),
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    duration_ms    bigint,
    dump_bytes     bigint,
    stored_bytes   bigint,
    compression    text,
    encryption     text,
    sha256         text,
    location       text,
    verified       boolean,
    error_code     integer,
    error_message  text,
    runner_host    text,
    server_version text
);
CREATE INDEX backup_history_resource_started ON backup_history (namespace, name, started_at DESC);

COMMENT ON TABLE backup_history IS 'BATCH-101 TBL-039: backup run history (dbbackup-operator)';

-- BATCH-101 TBL-040: the effective settings of the last run. The DatabaseBackup resource is the
-- source of truth; this table mirrors it for SQL reporting.
CREATE TABLE backup_settings (
    namespace          text        NOT NULL,
    name               text        NOT NULL,
    schedule           text        NOT NULL,
    time_zone          text,
    type               text        NOT NULL,
    retention_days     integer     NOT NULL,
    retention_min_keep integer     NOT NULL,
    compress           boolean     NOT NULL,
    compression        text        NOT NULL,
    verify             boolean     NOT NULL,
    storage            text        NOT NULL,
    timeout_minutes    integer     NOT NULL,
    retries            integer     NOT NULL,
    window_start       text,
    window_end         text,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (namespace, name)
);

COMMENT ON TABLE backup_settings IS 'BATCH-101 TBL-040: backup settings (dbbackup-operator)';

-- Every backup created or deleted. Each row carries the SHA-256 of the previous row's hash and
-- its own canonical payload, so any edit, insertion or removal breaks the chain.
CREATE TABLE backup_audit (
    seq        bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL,
    namespace  text        NOT NULL,
    name       text        NOT NULL,
    action     text        NOT NULL CHECK (action IN ('CREATED', 'DELETED')),
    backup_id  text        NOT NULL,
    location   text        NOT NULL,
    sha256     text,
    reason     text,
    payload    text        NOT NULL,
    prev_hash  text        NOT NULL,
    row_hash   text        NOT NULL UNIQUE
);

COMMENT ON TABLE backup_audit IS
    'Audit trail: row_hash = sha256(prev_hash || E''\n'' || payload), prev_hash of the first row is 64 zeros';

CREATE FUNCTION backup_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'backup_audit is append-only';
END
$$;

CREATE TRIGGER backup_audit_append_only
    BEFORE UPDATE OR DELETE ON backup_audit
    FOR EACH ROW EXECUTE FUNCTION backup_audit_append_only();

CREATE TRIGGER backup_audit_no_truncate
    BEFORE TRUNCATE ON backup_audit
    FOR EACH STATEMENT EXECUTE FUNCTION backup_audit_append_only();
