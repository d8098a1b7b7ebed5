package io.dbbackup.runner.error;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * A runner out of memory ends with exit code 1 ("anything else"), never with a code that blames the
 * database or the store. The JVM's own {@code -XX:+ExitOnOutOfMemoryError} exits with status 3,
 * which is our "database unreachable": an out-of-memory runner would have been alerted on as a
 * database outage. So the runner handles it itself: a run that meets the error (in its own thread,
 * or wrapped by a worker, the SDK or a stream) fails as {@link ExitCode#FAILED}, cleans up and
 * records the failure; an error in any other thread halts the JVM with that code ({@link
 * #HANDLER}).
 */
public final class OutOfMemory {
  private OutOfMemory() {}

  /** The out-of-memory error in {@code t}, its causes or suppressed exceptions, if any. */
  public static Optional<OutOfMemoryError> in(Throwable t) {
    return find(t, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Optional<OutOfMemoryError> find(Throwable t, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) {
      return Optional.empty();
    }
    if (t instanceof OutOfMemoryError oom) {
      return Optional.of(oom);
    }
    for (Throwable s : t.getSuppressed()) {
      Optional<OutOfMemoryError> found = find(s, seen);
      if (found.isPresent()) {
        return found;
      }
    }
    return find(t.getCause(), seen);
  }

  /** {@code t} as a failure of the run: exit code 1 when memory ran out anywhere inside it. */
  public static RunnerException classify(RunnerException t) {
    return in(t).map(OutOfMemory::failure).orElse(t);
  }

  /** The failure a run reports when the JVM ran out of memory. */
  public static RunnerException failure(OutOfMemoryError e) {
    return new RunnerException(ExitCode.FAILED, message(e), e);
  }

  static String message(OutOfMemoryError e) {
    return "the runner ran out of memory ("
        + (e.getMessage() == null ? "no detail" : e.getMessage())
        + "; maximum heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB). The runner streams and should not need more whatever the database size: please"
        + " report it with this log, which has the stack trace";
  }

  /** Makes {@link #HANDLER} the JVM's default: {@code main} does it first. */
  public static void install() {
    Thread.setDefaultUncaughtExceptionHandler(HANDLER);
  }

  /**
   * For threads no run waits on (stream drainers, progress lines): their out-of-memory error halts
   * the JVM with exit code 1 after one log line, as {@code -XX:+ExitOnOutOfMemoryError} would, but
   * with our code. Other errors are only reported, as the JVM's default handler does.
   */
  public static final Thread.UncaughtExceptionHandler HANDLER =
      (thread, e) -> {
        Optional<OutOfMemoryError> oom = in(e);
        if (oom.isEmpty()) {
          System.err.print("Exception in thread \"" + thread.getName() + "\" ");
          e.printStackTrace();
          return;
        }
        try {
          LoggerFactory.getLogger(OutOfMemory.class)
              .atError()
              .addKeyValue("event", "command_failed")
              .addKeyValue("exit_code", ExitCode.FAILED.code())
              .addKeyValue("thread", thread.getName())
              .setCause(e)
              .log(message(oom.get()));
        } finally {
          Runtime.getRuntime().halt(ExitCode.FAILED.code());
        }
      };
}
