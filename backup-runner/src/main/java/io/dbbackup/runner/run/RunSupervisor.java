package io.dbbackup.runner.run;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
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
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backup (or a restore) on a worker thread and bounds how long it may take once its {@link
 * Deadline} has passed (or a SIGTERM stopped it): the worker is interrupted; after half the grace
 * period the registered blocking resources are aborted (the JDBC connection); after the grace
 * period the run is given up for the fallback outcome, so the process exits in bounded time even if
 * a call never returns. The JVM's shutdown hook stops the active run the same way; a command with
 * nothing to clean up ({@link #plainCommand}: verify, list) is ended with one log line.
 *
 * @param <T> the run's outcome
 */
public final class RunSupervisor<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);

  /** How long a stopped run may take to clean up and record before it is given up. */
  public static final Duration GRACE = Duration.ofSeconds(20);

  /** How long the shutdown hook waits for the run's outcome (within Kubernetes' 30 s). */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(25);

  static final String SIGTERM_MESSAGE =
      "terminated by SIGTERM (pod deletion, node drain or the Job's activeDeadlineSeconds): the"
          + " dump was stopped and this run's files removed";

  private static final AtomicReference<RunSupervisor<?>> ACTIVE = new AtomicReference<>();
  private static final AtomicReference<String> PLAIN = new AtomicReference<>();

  private final Deadline deadline;
  private final Duration grace;
  private final String sigtermMessage;
  private final ToIntFunction<T> exitCodeOf;
  private final List<Runnable> onStuck = new CopyOnWriteArrayList<>();
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final Object interruptLock = new Object();
  private volatile Thread worker;
  private boolean cleaning;

  /**
   * @param sigtermMessage the reason a SIGTERM stops the run with ({@link ExitCode#FAILED})
   * @param exitCodeOf the process exit code of an outcome, for the shutdown hook
   */
  public RunSupervisor(
      Deadline deadline, Duration grace, String sigtermMessage, ToIntFunction<T> exitCodeOf) {
    this.deadline = deadline;
    this.grace = grace;
    this.sigtermMessage = sigtermMessage;
    this.exitCodeOf = exitCodeOf;
  }

  /** A backup run's supervisor. */
  public static RunSupervisor<RunOutcome> forBackup(Deadline deadline, Duration grace) {
    return new RunSupervisor<>(deadline, grace, SIGTERM_MESSAGE, o -> o.exitCode().code());
  }

  /**
   * Marks {@code command} (verify, list) as running until the registration is closed: a SIGTERM
   * meanwhile ends the JVM at once with exit 1 and one {@code event=terminated} line, as such a
   * command changes nothing that needs cleaning up.
   */
  public static Registration plainCommand(String command) {
    PLAIN.set(command);
    return () -> PLAIN.compareAndSet(command, null);
  }

  /** Ends a {@link #plainCommand} registration. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** Installs the JVM shutdown hook that stops the active run on SIGTERM (main only). */
  public static void installShutdownHook() {
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(RunSupervisor::shutdown));
  }

  /**
   * Stops the active run, waits for it to clean up and record its failure, and ends the JVM with
   * the run's exit code (1: terminated). Without an active run the JVM exits as it would.
   */
  static void shutdown() {
    RunSupervisor<?> s = ACTIVE.get();
    if (s == null) {
      String plain = PLAIN.get();
      if (plain == null) {
        return;
      }
      LOG.atError()
          .addKeyValue("event", "terminated")
          .addKeyValue("command", plain)
          .addKeyValue("exit_code", ExitCode.FAILED.code())
          .log(
              plain + " terminated by SIGTERM; it changes nothing, so nothing is left to clean up");
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(ExitCode.FAILED.code());
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("sigterm-stop")
        .start(() -> s.deadline.stop(new RunnerException(ExitCode.FAILED, s.sigtermMessage)));
    int code = s.awaitExitCode(SHUTDOWN_WAIT);
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  private int awaitExitCode(Duration wait) {
    try {
      return exitCodeOf.applyAsInt(result.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      return ExitCode.FAILED.code(); // exit 1 all the same
    }
  }

  /** Runs {@code action} when the stopped run has not ended after half the grace period. */
  public void onStuck(Runnable action) {
    onStuck.add(action);
  }

  /**
   * The run is cleaning up: no further interrupts, and the pending one is cleared so that cleanup
   * (removing files, aborting the upload, recording) is not cut short.
   */
  public void cleaning() {
    synchronized (interruptLock) {
      cleaning = true;
      Thread.interrupted();
    }
  }

  /** True for the first caller only: the run's end is logged once. */
  public boolean claimReport() {
    return reported.compareAndSet(false, true);
  }

  /**
   * Runs {@code body} on the worker; returns its outcome, or {@code abandoned}'s when a stopped run
   * does not end within the grace period.
   */
  public T run(Supplier<T> body, Supplier<T> abandoned) {
    FutureTask<T> task = new FutureTask<>(body::get);
    worker = Thread.ofPlatform().name("backup-run").daemon().unstarted(task);
    deadline.onExpiry(this::interruptWorker);
    ACTIVE.set(this);
    try {
      worker.start();
      T outcome = await(task, abandoned);
      result.complete(outcome);
      return outcome;
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
      throw e;
    } finally {
      ACTIVE.compareAndSet(this, null);
    }
  }

  private T await(FutureTask<T> task, Supplier<T> abandoned) {
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
