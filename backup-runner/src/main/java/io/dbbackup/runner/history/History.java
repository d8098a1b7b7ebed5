package io.dbbackup.runner.history;

import io.dbbackup.runner.config.BackupConfig;
import java.time.Instant;

/** Run history, settings and audit trail; {@link HistoryUnavailableException} when unreachable. */
public interface History {
  /** Creates or migrates the schema. */
  void prepare();

  /** Inserts or updates the run's backup_history row (keyed by backup id). */
  void save(RunRecord run);

  /** Upserts backup_settings with the effective settings of this run. */
  void saveSettings(BackupConfig config, Instant at);

  /** Appends a row to the hash-chained backup_audit table. */
  void audit(AuditEntry entry);

  /**
   * Marks RUNNING rows of this backup other than {@code currentId} as FAILED: while the run lock is
   * held, no other runner can be running them.
   */
  int failAbandoned(String namespace, String name, String currentId, Instant at);

  /** The audit chain's newest row, or null when unknown. */
  default ChainHead head() {
    return null;
  }

  /** History switched off: nothing is recorded. */
  History NONE =
      new History() {
        @Override
        public void prepare() {}

        @Override
        public void save(RunRecord run) {}

        @Override
        public void saveSettings(BackupConfig config, Instant at) {}

        @Override
        public void audit(AuditEntry entry) {}

        @Override
        public int failAbandoned(String namespace, String name, String currentId, Instant at) {
          return 0;
        }
      };
}
