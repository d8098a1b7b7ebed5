package io.dbbackup.runner.history;

import java.time.Instant;

/** A backup created or deleted: one AUDIT log line and one backup_audit row. */
public record AuditEntry(
    Instant at,
    String namespace,
    String name,
    String action,
    String backupId,
    String location,
    String sha256,
    String reason) {
  public static final String CREATED = "CREATED";
  public static final String DELETED = "DELETED";
}
