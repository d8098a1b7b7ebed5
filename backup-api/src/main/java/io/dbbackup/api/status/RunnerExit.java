package io.dbbackup.api.status;

import java.util.Arrays;
import java.util.Optional;

/**
 * The runner's exit codes, in one place: the contract between the runner, the Job's pod failure
 * policy (the controller's no-retry list), the status conditions, the restore outcome, the CLI help
 * and the docs.
 */
public enum RunnerExit {
  OK(0, null, false, "ok", ""),
  FAILED(1, null, true, "other error", "the runner's log (an unexpected error has a stack trace)"),
  /** A mistake in the resource or its secrets; also a database host or database that is not. */
  INVALID_CONFIG(
      2, "InvalidConfig", false, "invalid config", "the field named in the message, in the spec"),
  /**
   * The server cannot be reached for now: refused, no answer, starting up, too many connections.
   * What waiting cannot heal is not 3: an unknown host is 2, a refused login 10.
   */
  DATABASE_UNREACHABLE(
      3,
      "DatabaseUnreachable",
      true,
      "database unreachable",
      "that the server is up and accepting connections at spec.database host and port"),
  NOT_ENOUGH_SPACE(
      4,
      "NotEnoughDiskSpace",
      true,
      "not enough space",
      "free space at the target, or the size estimate's settings named in the message"),
  DUMP_FAILED(
      5, "DumpFailed", true, "dump failed", "pg_dumpall's output in the log and the server's log"),
  STORAGE_FAILED(
      6,
      "StorageFailed",
      true,
      "storage failed",
      "spec.storage: the store's reachability, credentials and free space"),
  VERIFICATION_FAILED(
      7,
      "VerificationFailed",
      true,
      "verification failed",
      "the stored backup named in the message (backup-runner verify <id>)"),
  LOCKED(
      8,
      "AnotherRunHoldsLock",
      false,
      "another run holds the lock",
      "the other run of this backup (it ends on its own; nothing to do)"),
  OUTSIDE_WINDOW(
      9, "OutsideWindow", false, "outside the window (skipped)", "spec.window, if the run was due"),
  /** A privilege or file permission missing, or the server refusing the login. */
  PERMISSION_DENIED(
      10,
      "PermissionDenied",
      false,
      "permission denied",
      "the privilege or file permission named in the message; for a refused login (a wrong"
          + " password, no pg_hba.conf entry) spec.database.user and passwordSecretRef"),
  TIMEOUT(11, "Timeout", true, "timeout", "spec.timeoutMinutes, and what the run was waiting for");

  private final int code;
  private final String reason;
  private final boolean retryable;
  private final String meaning;
  private final String check;

  RunnerExit(int code, String reason, boolean retryable, String meaning, String check) {
    this.code = code;
    this.reason = reason;
    this.retryable = retryable;
    this.meaning = meaning;
    this.check = check;
  }

  /** The process exit code. */
  public int code() {
    return code;
  }

  /** The condition reason of a run that ended so; null for 0 and 1 (BackupFailed is used). */
  public String reason() {
    return reason;
  }

  /** Whether the Job retries a run that ended so (a later attempt can succeed). */
  public boolean retryable() {
    return retryable;
  }

  /** A few words for people: "database unreachable". */
  public String meaning() {
    return meaning;
  }

  /** What to check when a run ends so. */
  public String check() {
    return check;
  }

  public static Optional<RunnerExit> of(int code) {
    return Arrays.stream(values()).filter(e -> e.code == code).findFirst();
  }

  /** The failure codes no retry can fix: the Job fails at once on them. */
  public static int[] noRetryCodes() {
    return Arrays.stream(values())
        .filter(e -> e != OK && !e.retryable)
        .mapToInt(RunnerExit::code)
        .toArray();
  }

  /** One line per code, for the CLI's help and the docs: " 3 database unreachable". */
  public static String[] helpLines() {
    return Arrays.stream(values())
        .map(e -> String.format("  %2d  %s", e.code, e.meaning))
        .toArray(String[]::new);
  }
}
