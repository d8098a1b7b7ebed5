package io.dbbackup.runner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The run's timeout (spec.timeoutMinutes): when it passes, the registered actions run (stopping
 * pg_dumpall) and {@link #check()} fails with {@link ExitCode#TIMEOUT}.
 */
public final class Deadline implements AutoCloseable {
  private final Duration timeout;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("run-deadline").unstarted(r));
  private final List<Runnable> onExpiry = new CopyOnWriteArrayList<>();
  private volatile boolean expired;

  public Deadline(Duration timeout) {
    this.timeout = timeout;
    timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code action} when the deadline passes (at once if it has). */
  public void onExpiry(Runnable action) {
    onExpiry.add(action);
    if (expired) {
      action.run();
    }
  }

  public boolean expired() {
    return expired;
  }

  /** Fails with a timeout if the deadline has passed. */
  public void check() {
    if (expired) {
      throw timedOut();
    }
  }

  public RunnerException timedOut() {
    return new RunnerException(
        ExitCode.TIMEOUT,
        "the run exceeded spec.timeoutMinutes ("
            + timeout.toMinutes()
            + " min, "
            + timeout.toSeconds()
            + " s) and was stopped");
  }

  private void expire() {
    expired = true;
    onExpiry.forEach(Runnable::run);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
