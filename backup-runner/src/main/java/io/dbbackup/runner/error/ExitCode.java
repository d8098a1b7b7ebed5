package io.dbbackup.runner.error;

import io.dbbackup.api.status.RunnerExit;

/**
 * The runner's exit codes: the contract with the Job, the controller and people's scripts, defined
 * once in {@link RunnerExit} (code, condition reason, retryable, what to check).
 */
public enum ExitCode {
  OK(RunnerExit.OK),
  FAILED(RunnerExit.FAILED),
  INVALID_CONFIG(RunnerExit.INVALID_CONFIG),
  DATABASE_UNREACHABLE(RunnerExit.DATABASE_UNREACHABLE),
  NOT_ENOUGH_SPACE(RunnerExit.NOT_ENOUGH_SPACE),
  DUMP_FAILED(RunnerExit.DUMP_FAILED),
  STORAGE_FAILED(RunnerExit.STORAGE_FAILED),
  VERIFICATION_FAILED(RunnerExit.VERIFICATION_FAILED),
  LOCKED(RunnerExit.LOCKED),
  OUTSIDE_WINDOW(RunnerExit.OUTSIDE_WINDOW),
  PERMISSION_DENIED(RunnerExit.PERMISSION_DENIED),
  TIMEOUT(RunnerExit.TIMEOUT);

  private final RunnerExit contract;

  ExitCode(RunnerExit contract) {
    this.contract = contract;
  }

  public int code() {
    return contract.code();
  }

  public RunnerExit contract() {
    return contract;
  }

  /**
   * The one line a failure ends with on stderr: what failed, the exit code, what to check, e.g.
   * {@code backup-runner: backup failed: <message> (exit 3, database unreachable; check ...)}.
   */
  public String failureLine(String what, String message) {
    return "backup-runner: "
        + what
        + " failed: "
        + message
        + " (exit "
        + code()
        + ", "
        + contract.meaning()
        + "; check "
        + contract.check()
        + ")";
  }
}
