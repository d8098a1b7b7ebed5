package io.dbbackup.runner.error;

/** A failure of a known class: its exit code and a message for people (never a secret). */
public class RunnerException extends RuntimeException {
  private final ExitCode exitCode;

  public RunnerException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public RunnerException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** A message on one line: a list after a colon is joined with "; ". */
  public static String oneLine(String message) {
    return message == null
        ? "no message"
        : message.strip().replaceAll(":\\s*\\R\\s*", ": ").replaceAll("\\s*\\R\\s*", "; ");
  }

  /** The failure class of anything a command throws: one place maps exceptions to exit codes. */
  public static RunnerException classify(Throwable t) {
    var oom = OutOfMemory.in(t);
    if (oom.isPresent()) {
      return OutOfMemory.failure(oom.get());
    }
    if (t instanceof RunnerException re) {
      return re;
    }
    if (t instanceof java.io.IOException io) {
      return StorageErrors.classify("storage", io);
    }
    return new RunnerException(ExitCode.FAILED, "unexpected error: " + t, t);
  }
}
