package io.dbbackup.api.status;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.BackupRef;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The runner's part of the status ({@link StatusPart#RUNNER}): records one run. Pure; pair it with
 * {@link StatusPatcher} to write it:
 *
 * <pre>{@code
 * patcher.patch(ns, name, StatusPart.RUNNER, s -> RunnerStatus.record(s, run, clock.instant()));
 * }</pre>
 */
public final class RunnerStatus {
  /** Condition reasons for failed runs, by runner exit code ({@link RunnerExit}). */
  private static final Map<Integer, String> FAILURE_REASONS =
      Arrays.stream(RunnerExit.values())
          .filter(e -> e.reason() != null)
          .collect(Collectors.toUnmodifiableMap(RunnerExit::code, RunnerExit::reason));

  public static final String REASON_SUCCEEDED = "BackupSucceeded";
  public static final String REASON_FAILED = "BackupFailed";
  public static final String REASON_HISTORY_RECORDED = "HistoryRecorded";

  private RunnerStatus() {}

  /**
   * Records {@code run} in {@code status}:
   *
   * <ul>
   *   <li>{@code lastBackup} becomes {@code run};
   *   <li>{@code recentBackups}: the entry with the same id is replaced in place, else {@code run}
   *       is put first; at most {@value DatabaseBackupStatus#RECENT_BACKUPS_KEPT} are kept, newest
   *       first;
   *   <li>phase Succeeded: {@code lastSuccessfulBackup} points at {@code run} and condition {@code
   *       LastBackupSucceeded} is True (reason {@value #REASON_SUCCEEDED});
   *   <li>phase Failed: {@code LastBackupSucceeded} is False, reason from the exit code (e.g.
   *       {@code DumpFailed} for 5, {@value #REASON_FAILED} when unknown), message from the record;
   *   <li>phase Running or Skipped: the condition is left as it is.
   * </ul>
   *
   * {@code lastTransitionTime} changes only when the condition's status does.
   *
   * @param run must have an id and a phase
   * @param now the time used for a condition transition
   */
  public static void record(DatabaseBackupStatus status, BackupRecord run, Instant now) {
    Objects.requireNonNull(run.getId(), "run.id");
    Objects.requireNonNull(run.getPhase(), "run.phase");
    status.setLastBackup(run);
    List<BackupRecord> recent =
        status.getRecentBackups() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getRecentBackups());
    int index = indexOf(recent, run.getId());
    if (index >= 0) {
      recent.set(index, run);
    } else {
      recent.addFirst(run);
    }
    while (recent.size() > DatabaseBackupStatus.RECENT_BACKUPS_KEPT) {
      recent.removeLast();
    }
    status.setRecentBackups(recent);
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    }
    if (run.getPhase() == BackupPhase.Succeeded) {
      status.setLastSuccessfulBackup(
          new BackupRef(run.getId(), run.getCompletionTime(), run.getLocation()));
      Conditions.set(
          status.getConditions(),
          DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED,
          Conditions.TRUE,
          REASON_SUCCEEDED,
          successMessage(run),
          null,
          now);
    } else if (run.getPhase() == BackupPhase.Failed) {
      Conditions.set(
          status.getConditions(),
          DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED,
          Conditions.FALSE,
          failureReason(run.getExitCode()),
          failureMessage(run),
          null,
          now);
    }
  }

  /**
   * Records how the run's history fared: {@code auditChainHead} when known, and condition {@code
   * HistoryHealthy} — True (reason {@value #REASON_HISTORY_RECORDED}) without a warning, else False
   * with the first warning's reason and all warnings' messages. Warnings never change the run's
   * result.
   *
   * @param warnings reason and message pairs, in the order they arose
   */
  public static void recordHistory(
      DatabaseBackupStatus status,
      String auditChainHead,
      List<Map.Entry<String, String>> warnings,
      Instant now) {
    if (auditChainHead != null) {
      status.setAuditChainHead(auditChainHead);
    }
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    }
    if (warnings.isEmpty()) {
      Conditions.set(
          status.getConditions(),
          DatabaseBackupStatus.CONDITION_HISTORY_HEALTHY,
          Conditions.TRUE,
          REASON_HISTORY_RECORDED,
          "history and audit chain written and intact",
          null,
          now);
    } else {
      StringBuilder m = new StringBuilder();
      for (var w : warnings) {
        if (!m.isEmpty()) {
          m.append("; ");
        }
        m.append(w.getValue());
      }
      String message = m.length() > 2000 ? m.substring(0, 2000) : m.toString();
      Conditions.set(
          status.getConditions(),
          DatabaseBackupStatus.CONDITION_HISTORY_HEALTHY,
          Conditions.FALSE,
          warnings.getFirst().getKey(),
          message,
          null,
          now);
    }
  }

  /** The condition reason for a failed run with this runner exit code. */
  public static String failureReason(Integer exitCode) {
    return exitCode == null ? REASON_FAILED : FAILURE_REASONS.getOrDefault(exitCode, REASON_FAILED);
  }

  private static int indexOf(List<BackupRecord> records, String id) {
    for (int i = 0; i < records.size(); i++) {
      if (id.equals(records.get(i).getId())) {
        return i;
      }
    }
    return -1;
  }

  private static String successMessage(BackupRecord run) {
    StringBuilder m = new StringBuilder("backup ").append(run.getId()).append(" succeeded");
    if (run.getSize() != null) {
      m.append(", ").append(run.getSize());
    }
    if (run.getLocation() != null) {
      m.append(", stored at ").append(run.getLocation());
    }
    if (Boolean.TRUE.equals(run.getVerified())) {
      m.append(", verified");
    }
    return m.toString();
  }

  private static String failureMessage(BackupRecord run) {
    StringBuilder m = new StringBuilder("backup ").append(run.getId()).append(" failed");
    if (run.getExitCode() != null) {
      m.append(" (exit code ").append(run.getExitCode()).append(')');
    }
    if (run.getMessage() != null && !run.getMessage().isBlank()) {
      m.append(": ").append(run.getMessage());
    }
    return m.toString();
  }
}
