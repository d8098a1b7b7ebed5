package io.dbbackup.runner.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ManifestCodec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run records and audit entries that could not reach the history database (it is usually the server
 * being backed up, so it is down exactly when a run fails for that reason). They are kept beside
 * the backups and written by the next run that reaches the database: audit entries in the order
 * they happened, chained like any other row.
 */
public final class PendingHistory {
  private static final Logger LOG = LoggerFactory.getLogger(PendingHistory.class);
  private static final String PREFIX = "pending-history-";
  private static final String AUDIT_PREFIX = "pending-audit-";
  private static final ObjectMapper JSON = ManifestCodec.mapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final BackupStore store;

  public PendingHistory(BackupStore store) {
    this.store = store;
  }

  /** Keeps {@code record} for a later run; logs and gives up if the store cannot take it. */
  public void spool(RunRecord record) {
    try {
      store.putState(PREFIX + record.backupId() + ".json", JSON.writeValueAsBytes(record));
      LOG.atWarn()
          .addKeyValue("event", "history_spooled")
          .addKeyValue("backup_id", record.backupId())
          .log(
              "history database unavailable; the run's record is kept and written by the next run");
    } catch (IOException | RuntimeException e) {
      LOG.atError()
          .addKeyValue("event", "history_lost")
          .addKeyValue("backup_id", record.backupId())
          .addKeyValue("error", e.getMessage())
          .log("the run's record could not be written to the history database nor kept");
    }
  }

  /**
   * Keeps {@code entry} for a later run; logs and gives up if the store cannot take it. Names sort
   * in the order entries happened ({@code pending-audit-<epoch ms>-<n>.json}).
   */
  public void spool(AuditEntry entry) {
    String name =
        String.format(
            "%s%015d-%06d.json",
            AUDIT_PREFIX, entry.at().toEpochMilli(), COUNTER.incrementAndGet() % 1_000_000);
    try {
      store.putState(name, JSON.writeValueAsBytes(entry));
      LOG.atWarn()
          .addKeyValue("event", "audit_spooled")
          .addKeyValue("backup_id", entry.backupId())
          .addKeyValue("action", entry.action())
          .log("backup_audit unavailable; the audit row is kept and written by the next run");
    } catch (IOException | RuntimeException e) {
      LOG.atError()
          .addKeyValue("event", "audit_lost")
          .addKeyValue("backup_id", entry.backupId())
          .addKeyValue("error", e.getMessage())
          .log(
              "the audit row could not be written to backup_audit nor kept; the AUDIT line stands");
    }
  }

  /** Writes every kept record to {@code history}; returns how many were written. */
  public int flush(History history) throws IOException {
    int written = 0;
    for (String name : store.listState()) {
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      RunRecord record = JSON.readValue(store.readState(name), RunRecord.class);
      history.save(record);
      store.deleteState(name);
      written++;
    }
    return written;
  }

  /**
   * Appends every kept audit entry to {@code history}, oldest first; returns how many were written.
   * One that fails stops the flush: it and the later ones stay, in order, for the next run.
   */
  public int flushAudit(History history) throws IOException {
    List<String> names =
        store.listState().stream().filter(n -> n.startsWith(AUDIT_PREFIX)).sorted().toList();
    int written = 0;
    for (String name : names) {
      AuditEntry entry = JSON.readValue(store.readState(name), AuditEntry.class);
      history.audit(entry);
      store.deleteState(name);
      written++;
    }
    return written;
  }
}
