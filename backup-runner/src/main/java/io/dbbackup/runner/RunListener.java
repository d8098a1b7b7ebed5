package io.dbbackup.runner;

import io.dbbackup.runner.history.RunRecord;

/** Observes a run: status reporting to Kubernetes, and tests that act mid-run. */
public interface RunListener {
  /** The run entered a phase (connect, lock, window, space, dump, verify, retention). */
  default void phase(String phase) {}

  /** pg_dumpall started and its first bytes arrived. */
  default void dumpStarted(long pid) {}

  /** The run's record changed: RUNNING at start, then its terminal state. */
  default void recorded(RunRecord record) {}

  RunListener NONE = new RunListener() {};
}
