package io.dbbackup.runner.run;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.ChainHead;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.RecordedHeads;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.log.AuditLog;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the run wherever it goes: the history table (or, when the database cannot be written, the
 * pending spool), the listeners, and AUDIT lines. History problems never fail a backup: they become
 * warnings (log, status condition) and spooled rows written by a later run.
 */
public final class RunRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

  private final PendingHistory pending;
  private final RunListener listener;
  private final boolean historyEnabled;
  private History history;
  private HistoryHealth health = HistoryHealth.NONE;

  public RunRecorder(PendingHistory pending, RunListener listener, boolean historyEnabled) {
    this.pending = pending;
    this.listener = listener;
    this.historyEnabled = historyEnabled;
  }

  /** From now on, records go to {@code h}; null: to the spool. */
  public void attach(History h) {
    this.history = h;
    refreshHead();
  }

  /** A history problem: logged once per message, and carried into the status. */
  void warn(String reason, String message) {
    if (health.warnings().stream().anyMatch(w -> w.message().equals(message))) {
      return;
    }
    health = health.withWarning(reason, message);
    LOG.atWarn().addKeyValue("event", "history_warning").addKeyValue("reason", reason).log(message);
  }

  HistoryHealth health() {
    return health;
  }

  /** The audit chain's newest row, or null when history is off or unreachable. */
  public ChainHead head() {
    refreshHead();
    return ChainHead.parse(health.auditChainHead()).orElse(null);
  }

  public void record(RunRecord record) {
    if (historyEnabled) {
      if (history != null) {
        try {
          history.save(record);
        } catch (HistoryUnavailableException e) {
          unavailable("cannot write backup_history: " + e.getMessage());
        }
      }
      if (history == null && record.status() != BackupPhase.Running) {
        pending.spool(record);
      }
    }
    listener.historyHealth(health);
    listener.recorded(record);
  }

  public void audit(AuditEntry entry) {
    AuditLog.log(entry);
    if (!historyEnabled) {
      return;
    }
    if (history != null) {
      try {
        history.audit(entry);
        refreshHead();
        return;
      } catch (HistoryUnavailableException e) {
        LOG.atError()
            .addKeyValue("event", "audit_unavailable")
            .addKeyValue("backup_id", entry.backupId())
            .addKeyValue("error", e.getMessage())
            .log("cannot append to backup_audit; the row is kept and written by the next run");
        unavailable("cannot append to backup_audit: " + e.getMessage());
      }
    }
    pending.spool(entry);
  }

  /** Writes the chain's head into the store's state at the end of the run. */
  public void finish(BackupStore store, Instant at) {
    ChainHead head = head();
    if (head == null) {
      return;
    }
    try {
      RecordedHeads.write(store, head, at);
    } catch (IOException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "audit_head_not_kept")
          .addKeyValue("error", e.getMessage())
          .log("could not record the audit chain head in the store");
    }
  }

  private void unavailable(String message) {
    history = null;
    warn(
        HistoryHealth.HISTORY_UNAVAILABLE,
        message + "; the run's records are kept in the store and written by a later run");
  }

  private void refreshHead() {
    if (history == null) {
      return;
    }
    try {
      health = health.withHead(history.head());
    } catch (HistoryUnavailableException e) {
      // the next write notices and spools
    }
  }
}
