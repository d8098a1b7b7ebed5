package io.dbbackup.runner.history;

import java.time.Instant;

/**
 * A backup created or deleted, or an event of the chain itself (restarted, acknowledged): one AUDIT
 * log line and one backup_audit row.
 */
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

  /** backup_audit was found missing and re-created: the chain starts again from this row. */
  public static final String CHAIN_RESTARTED = "CHAIN_RESTARTED";

  /** An operator acknowledged the chain's earlier breaks and restarts (audit acknowledge). */
  public static final String ACKNOWLEDGED = "ACKNOWLEDGED";

  /** backup_id of rows that concern no single backup. */
  public static final String NO_BACKUP = "-";
}
