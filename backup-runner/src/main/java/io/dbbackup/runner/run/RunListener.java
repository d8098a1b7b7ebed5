package io.dbbackup.runner.run;

import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.RunRecord;

/** Observes a run: status reporting to Kubernetes, and tests that act mid-run. */
public interface RunListener {
  /** The run entered a phase (connect, lock, window, space, dump, verify, retention). */
  default void phase(String phase) {}

  /** pg_dumpall started and its first bytes arrived. */
  default void dumpStarted(long pid) {}

  /** The run's record changed: RUNNING at start, then its terminal state. */
  default void recorded(RunRecord record) {}

  /** How the run's history fared; called before each {@link #recorded}. */
  default void historyHealth(HistoryHealth health) {}

  RunListener NONE = new RunListener() {};

  /** Both listeners, {@code this} first. */
  default RunListener andThen(RunListener next) {
    RunListener first = this;
    return new RunListener() {
      @Override
      public void phase(String phase) {
        first.phase(phase);
        next.phase(phase);
      }

      @Override
      public void dumpStarted(long pid) {
        first.dumpStarted(pid);
        next.dumpStarted(pid);
      }

      @Override
      public void historyHealth(HistoryHealth health) {
        first.historyHealth(health);
        next.historyHealth(health);
      }

      @Override
      public void recorded(RunRecord record) {
        first.recorded(record);
        next.recorded(record);
      }
    };
  }
}
