package io.dbbackup.runner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a backup on a worker thread and bounds how long it may take once its {@link Deadline} has
 * passed (or a SIGTERM stopped it): the worker is interrupted; after half the grace period the
 * registered blocking resources are aborted (the JDBC connection); after the grace period the run
 * is given up for the fallback outcome, so the process exits in bounded time even if a call never
 * returns. The JVM's shutdown hook stops the active run the same way.
 */
final class RunSupervisor {
  /** How long a stopped run may take to clean up and record before it is given up. */
  static final Duration GRACE = Duration.ofSeconds(20);

  /** How long the shutdown hook waits for the run's outcome (within Kubernetes' 30 s). */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(25);

  static final String SIGTERM_MESSAGE =
      "terminated by SIGTERM (pod deletion, node drain or the Job's activeDeadlineSeconds): the"
          + " dump was stopped and this run's files removed";

  private static final AtomicReference<RunSupervisor> ACTIVE = new AtomicReference<>();

  private final Deadline deadline;
  private final Duration grace;
  private final List<Runnable> onStuck = new CopyOnWriteArrayList<>();
  private final CompletableFuture<BackupRun.Outcome> result = new CompletableFuture<>();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final Object interruptLock = new Object();
  private volatile Thread worker;
  private boolean cleaning;

  RunSupervisor(Deadline deadline, Duration grace) {
    this.deadline = deadline;
    this.grace = grace;
  }

  /** Installs the JVM shutdown hook that stops the active run on SIGTERM (main only). */
  static void installShutdownHook() {
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(RunSupervisor::shutdown));
  }

  /**
   * Stops the active run, waits for it to clean up and record its failure, and ends the JVM with
   * the run's exit code (1: terminated). Without an active run the JVM exits as it would.
   */
  static void shutdown() {
    RunSupervisor s = ACTIVE.get();
    if (s == null) {
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("sigterm-stop")
        .start(() -> s.deadline.stop(new RunnerException(ExitCode.FAILED, SIGTERM_MESSAGE)));
    int code = ExitCode.FAILED.code();
    try {
      code = s.result.get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS).exitCode().code();
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      // exit 1 all the same
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  /** Runs {@code action} when the stopped run has not ended after half the grace period. */
  void onStuck(Runnable action) {
    onStuck.add(action);
  }

  /**
   * The run is cleaning up: no further interrupts, and the pending one is cleared so that cleanup
   * (removing files, aborting the upload, recording) is not cut short.
   */
  void cleaning() {
    synchronized (interruptLock) {
      cleaning = true;
      Thread.interrupted();
    }
  }

  /** True for the first caller only: the run's end is logged once. */
  boolean claimReport() {
    return reported.compareAndSet(false, true);
  }

  /**
   * Runs {@code body} on the worker; returns its outcome, or {@code abandoned}'s when a stopped run
   * does not end within the grace period.
   */
  BackupRun.Outcome run(Supplier<BackupRun.Outcome> body, Supplier<BackupRun.Outcome> abandoned) {
    FutureTask<BackupRun.Outcome> task = new FutureTask<>(body::get);
    worker = Thread.ofPlatform().name("backup-run").daemon().unstarted(task);
    deadline.onExpiry(this::interruptWorker);
    ACTIVE.set(this);
    try {
      worker.start();
      BackupRun.Outcome outcome = await(task, abandoned);
      result.complete(outcome);
      return outcome;
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
      throw e;
    } finally {
      ACTIVE.compareAndSet(this, null);
    }
  }

  private BackupRun.Outcome await(
      FutureTask<BackupRun.Outcome> task, Supplier<BackupRun.Outcome> abandoned) {
    boolean stuckActionsRun = false;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (!deadline.expired()) {
            continue;
          }
          long since = System.nanoTime() - deadline.expiredAtNanos();
          if (!stuckActionsRun && since > grace.toNanos() / 2) {
            stuckActionsRun = true;
            onStuck.forEach(RunSupervisor::runQuietly);
          }
          if (since > grace.toNanos()) {
            return abandoned.get();
          }
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void interruptWorker() {
    synchronized (interruptLock) {
      Thread t = worker;
      if (!cleaning && t != null) {
        t.interrupt();
      }
    }
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // best effort: the grace period still bounds the run
    }
  }
}
