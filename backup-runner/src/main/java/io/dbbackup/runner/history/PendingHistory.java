package io.dbbackup.runner.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ManifestCodec;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run records that could not reach the history database (it is usually the server being backed up,
 * so it is down exactly when a run fails for that reason). They are kept beside the backups and
 * written by the next run that reaches the database.
 */
public final class PendingHistory {
  private static final Logger LOG = LoggerFactory.getLogger(PendingHistory.class);
  private static final String PREFIX = "pending-history-";
  private static final ObjectMapper JSON = ManifestCodec.mapper();

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
}
