package io.dbbackup.runner.run;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The run's timeout (spec.timeoutMinutes), or an earlier stop (SIGTERM): when it passes, the
 * registered actions run (ending pg_dumpall's process group, aborting the upload, interrupting the
 * run) and {@link #check()} fails with the stop's exit code, {@link ExitCode#TIMEOUT} for the
 * timeout.
 */
public final class Deadline implements AutoCloseable {
  private final Duration timeout;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("run-deadline").unstarted(r));
  private final List<Runnable> onExpiry = new CopyOnWriteArrayList<>();
  private volatile RunnerException reason;
  private volatile long expiredAtNanos;
  private volatile String phase = "start";

  public Deadline(Duration timeout) {
    this.timeout = timeout;
    if (timeout != null) {
      timer.schedule(() -> stop(timeoutReason()), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** A deadline with no timeout (a restore): only {@link #stop} (a SIGTERM) ends it. */
  public static Deadline untimed() {
    return new Deadline(null);
  }

  /** Runs {@code action} when the deadline passes (at once if it has). */
  public void onExpiry(Runnable action) {
    onExpiry.add(action);
    if (reason != null) {
      action.run();
    }
  }

  /** The phase the run is in, for the timeout's message. */
  public void phase(String p) {
    this.phase = p;
  }

  public boolean expired() {
    return reason != null;
  }

  /** When the deadline passed or the run was stopped ({@link System#nanoTime()}); 0 before. */
  public long expiredAtNanos() {
    return expiredAtNanos;
  }

  /** Fails with the stop's reason (a timeout) if the deadline has passed. */
  public void check() {
    if (reason != null) {
      throw timedOut();
    }
  }

  /** Why the run was stopped: the timeout, or the reason given to {@link #stop}. */
  public RunnerException timedOut() {
    RunnerException r = reason;
    return r == null ? timeoutReason() : new RunnerException(r.exitCode(), r.getMessage());
  }

  /**
   * Stops the run now for {@code why} (a SIGTERM): the expiry actions run on the calling thread;
   * only the first stop counts.
   */
  public void stop(RunnerException why) {
    synchronized (this) {
      if (reason != null) {
        return;
      }
      expiredAtNanos = System.nanoTime();
      reason = why;
    }
    timer.shutdown();
    for (Runnable action : onExpiry) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // the other actions still run; the run reports the stop
      }
    }
  }

  private RunnerException timeoutReason() {
    if (timeout == null) {
      return new RunnerException(ExitCode.FAILED, "stopped in phase " + phase);
    }
    return new RunnerException(
        ExitCode.TIMEOUT,
        "the run exceeded spec.timeoutMinutes ("
            + timeout.toMinutes()
            + " min, "
            + timeout.toSeconds()
            + " s) in phase "
            + phase
            + " and was stopped");
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
