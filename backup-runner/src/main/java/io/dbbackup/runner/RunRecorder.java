package io.dbbackup.runner;

import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.history.RunStatus;
import io.dbbackup.runner.log.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the run wherever it goes: the history table (or, when the database is unreachable, the
 * pending spool), the listeners, and AUDIT lines. History problems never fail a backup.
 */
final class RunRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

  private final PendingHistory pending;
  private final RunListener listener;
  private final boolean historyEnabled;
  private History history;

  RunRecorder(PendingHistory pending, RunListener listener, boolean historyEnabled) {
    this.pending = pending;
    this.listener = listener;
    this.historyEnabled = historyEnabled;
  }

  /** From now on, records go to {@code h}. */
  void attach(History h) {
    this.history = h;
  }

  void record(RunRecord record) {
    listener.recorded(record);
    if (!historyEnabled) {
      return;
    }
    if (history == null) {
      if (record.status() != RunStatus.RUNNING) {
        pending.spool(record);
      }
      return;
    }
    try {
      history.save(record);
    } catch (HistoryUnavailableException e) {
      LOG.atWarn()
          .addKeyValue("event", "history_unavailable")
          .addKeyValue("error", e.getMessage())
          .log("cannot write backup_history");
      history = null;
      if (record.status() != RunStatus.RUNNING) {
        pending.spool(record);
      }
    }
  }

  void audit(AuditEntry entry) {
    AuditLog.log(entry);
    if (history == null) {
      return;
    }
    try {
      history.audit(entry);
    } catch (HistoryUnavailableException e) {
      LOG.atError()
          .addKeyValue("event", "audit_unavailable")
          .addKeyValue("backup_id", entry.backupId())
          .addKeyValue("error", e.getMessage())
          .log("cannot append to backup_audit; the AUDIT log line stands alone");
    }
  }
}
