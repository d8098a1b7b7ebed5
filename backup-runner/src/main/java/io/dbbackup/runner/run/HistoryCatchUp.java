package io.dbbackup.runner.run;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the history tables up to date at the start of a run: audit rows and run records kept in
 * the store while the database was unwritable, abandoned RUNNING rows closed, the settings saved.
 */
final class HistoryCatchUp {
  // Logged as the session: the log lines are the ones RunSession wrote.
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

  private HistoryCatchUp() {}

  static void run(
      History history, BackupStore store, BackupConfig config, String currentId, Instant now) {
    int audited = flushPendingAudit(store, history);
    int flushed = flushPending(store, history);
    int abandoned = history.failAbandoned(config.namespace(), config.name(), currentId, now);
    history.saveSettings(config, now);
    if (audited + flushed + abandoned > 0) {
      LOG.atInfo()
          .addKeyValue("event", "history_catch_up")
          .addKeyValue("spooled_written", flushed)
          .addKeyValue("spooled_audit_written", audited)
          .addKeyValue("abandoned_closed", abandoned)
          .log("history brought up to date");
    }
  }

  private static int flushPendingAudit(BackupStore store, History history) {
    try {
      return new PendingHistory(store).flushAudit(history);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "pending_audit_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("kept audit rows could not be read; they stay for the next run");
      return 0;
    }
  }

  private static int flushPending(BackupStore store, History history) {
    try {
      return new PendingHistory(store).flush(history);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "pending_history_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("kept history records could not be read; they stay for the next run");
      return 0;
    }
  }
}
