-- Verification by restore (issue 12): how each run's backup was verified and what the restore into
-- a scratch cluster found. verification_mode: checksum, restore or none; verification_source:
-- storage (the stored object read back and restored) or stream; verification_result: passed or
-- failed; the counts are what the dump held (databases, tables with COPY data, their rows), and
-- verification_seconds how long the restore and comparison took. NULL for runs before this
-- migration and for runs that did not get as far as verifying.
ALTER TABLE backup_history ADD COLUMN verification_mode text
    CHECK (verification_mode IN ('checksum', 'restore', 'none'));
ALTER TABLE backup_history ADD COLUMN verification_source text
    CHECK (verification_source IN ('storage', 'stream'));
ALTER TABLE backup_history ADD COLUMN verification_result text
    CHECK (verification_result IN ('passed', 'failed'));
ALTER TABLE backup_history ADD COLUMN verification_databases integer;
ALTER TABLE backup_history ADD COLUMN verification_tables integer;
ALTER TABLE backup_history ADD COLUMN verification_rows bigint;
ALTER TABLE backup_history ADD COLUMN verification_seconds double precision;
