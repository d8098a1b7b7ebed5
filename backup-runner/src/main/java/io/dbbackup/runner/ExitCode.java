package io.dbbackup.runner;

/** The runner's exit codes: the contract with the Job, the controller and people's scripts. */
public enum ExitCode {
  OK(0),
  FAILED(1),
  INVALID_CONFIG(2),
  DATABASE_UNREACHABLE(3),
  NOT_ENOUGH_SPACE(4),
  DUMP_FAILED(5),
  STORAGE_FAILED(6),
  VERIFICATION_FAILED(7),
  LOCKED(8),
  OUTSIDE_WINDOW(9),
  PERMISSION_DENIED(10),
  TIMEOUT(11);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
