package io.dbbackup.runner.history;

/** backup_history.status. */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  SKIPPED
}
