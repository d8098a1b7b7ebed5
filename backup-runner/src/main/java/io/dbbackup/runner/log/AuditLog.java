package io.dbbackup.runner.log;

import io.dbbackup.api.log.EventLayout;
import io.dbbackup.runner.history.AuditEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/** AUDIT log lines (BATCH-101: backup created / deleted, kept 5 years). */
public final class AuditLog {
  public static final Marker AUDIT = EventLayout.AUDIT;
  private static final Logger LOG = LoggerFactory.getLogger("audit");

  private AuditLog() {}

  public static void log(AuditEntry e) {
    LOG.atInfo()
        .addMarker(AUDIT)
        .addKeyValue("event", "backup_" + e.action().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("backup_id", e.backupId())
        .addKeyValue("location", e.location())
        .addKeyValue("sha256", e.sha256())
        .addKeyValue("reason", e.reason())
        .log("backup " + e.action().toLowerCase(java.util.Locale.ROOT));
  }
}
