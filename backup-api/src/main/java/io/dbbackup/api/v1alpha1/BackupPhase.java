package io.dbbackup.api.v1alpha1;

/** The outcome of one run; Succeeded, Failed and Skipped are terminal. */
public enum BackupPhase {
  Running,
  Succeeded,
  Failed,
  Skipped;

  public boolean isTerminal() {
    return this != Running;
  }
}
