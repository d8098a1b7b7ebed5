package io.dbbackup.runner;

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
}
