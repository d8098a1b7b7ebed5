package io.dbbackup.controller.notify;

import static io.dbbackup.controller.notify.Happenings.firstLine;
import static io.dbbackup.controller.notify.Happenings.notification;
import static io.dbbackup.controller.notify.Happenings.once;
import static io.dbbackup.controller.notify.Happenings.runDetails;
import static io.dbbackup.controller.notify.Happenings.sizeText;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.ResourceRef;
import io.dbbackup.notify.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives a DatabaseBackup's notifications from its status and spec at a given time. Pure: the same
 * resource and time give the same happenings with the same keys, which is what makes "one send per
 * happening" work across reconciles, restarts and leader changes.
 *
 * <ul>
 *   <li>From the latest finished run ({@code status.lastBackup}, whoever wrote it: the runner, or
 *       the controller for a Job that failed without a report): BackupFailed, BackupSucceeded,
 *       BackupRecovered (a success whose previous finished run failed, or that ends a BackupStale
 *       that was sent), Overtime (duration over 80% of {@code timeoutMinutes}, exit code 11, or a
 *       Job past its deadline), SizeChanged (stored size more than 30% off the previous good
 *       backup), CapacityLow (exit code 4, or {@code volumeUsedPercent} at least 80). Keys are
 *       {@code <event>/<run id>}.
 *   <li>From the recent runs: SuccessRateLow when {@code recentBackups} (the last 10, Skipped left
 *       out) hold at least two failures: the last 20 runs then hold at least two failures as well,
 *       a success rate of at most 90%, under DESIGN's 95%, whatever the ten before were.
 *   <li>From the schedule: BackupStale when no success for 1.5 times the expected interval (the
 *       figure {@code dbbackup_expected_interval_seconds} exports), measured from the last success,
 *       or from the resource's creation when it never succeeded, so a CronJob that stops creating
 *       Jobs is noticed too. Not while suspended. Key {@code BackupStale/<last good id>} ({@code
 *       never} without one).
 * </ul>
 */
public final class NotificationDerivation {
  public static final double STALE_FACTOR = 1.5;
  public static final double OVERTIME_SHARE = 0.8;
  public static final double SIZE_CHANGE = 0.30;
  public static final int CAPACITY_PERCENT = 80;
  public static final int RATE_FAILURES = 2;
  public static final String KIND = "DatabaseBackup";

  private NotificationDerivation() {}

  public static List<Happening> derive(DatabaseBackup backup, Instant now) {
    List<Happening> out = new ArrayList<>();
    DatabaseBackupStatus status = backup.getStatus();
    BackupRecord last = status == null ? null : status.getLastBackup();
    if (last != null && last.getId() != null && last.getPhase() != null) {
      fromRun(backup, status, last, now, out);
    }
    successRate(backup, status, now).ifPresent(out::add);
    StaleDerivation.stale(backup, now).ifPresent(out::add);
    return out;
  }

  private static void fromRun(
      DatabaseBackup b,
      DatabaseBackupStatus status,
      BackupRecord run,
      Instant now,
      List<Happening> out) {
    String id = run.getId();
    Instant at = time(run.getCompletionTime()).orElse(now);
    if (run.getPhase() == BackupPhase.Failed) {
      String reason = RunnerStatus.failureReason(run.getExitCode());
      out.add(
          once(
              b,
              NotificationEvent.BackupFailed,
              Severity.CRITICAL,
              id,
              at,
              firstLine(run.getMessage(), reason),
              runDetails(run, reason)));
    }
    if (run.getPhase() == BackupPhase.Succeeded) {
      out.add(
          once(
              b,
              NotificationEvent.BackupSucceeded,
              Severity.INFO,
              id,
              at,
              "backup " + id + " succeeded" + sizeText(run),
              runDetails(run, null)));
      Optional<BackupRecord> previous = RecentRuns.previousFinished(status, id);
      boolean afterFailure =
          previous.isPresent() && previous.get().getPhase() == BackupPhase.Failed;
      if (afterFailure || RecentRuns.staleAnnounced(status, id)) {
        Map<String, Object> d = runDetails(run, null);
        previous.ifPresent(p -> d.put("previousBackupId", p.getId()));
        out.add(
            once(
                b,
                NotificationEvent.BackupRecovered,
                Severity.INFO,
                id,
                at,
                "backup "
                    + id
                    + (afterFailure ? " succeeded after a failure" : " ended the stale spell"),
                d));
      }
      sizeChanged(b, status, run, at).ifPresent(out::add);
    }
    if (run.getPhase() == BackupPhase.Succeeded || run.getPhase() == BackupPhase.Failed) {
      overtime(b, run, at).ifPresent(out::add);
      capacity(b, run, at).ifPresent(out::add);
    }
  }

  private static Optional<Happening> overtime(DatabaseBackup b, BackupRecord run, Instant at) {
    DatabaseBackupSpec spec = b.getSpec();
    long timeout = spec == null ? 0 : spec.getTimeoutMinutes() * 60L;
    boolean timedOut =
        Integer.valueOf(11).equals(run.getExitCode())
            || (run.getJobName() != null
                && run.getMessage() != null
                && run.getMessage().contains("DeadlineExceeded"));
    boolean late =
        timeout > 0
            && run.getDurationSeconds() != null
            && run.getDurationSeconds() > OVERTIME_SHARE * timeout;
    if (!timedOut && !late) {
      return Optional.empty();
    }
    Map<String, Object> d = runDetails(run, null);
    d.put("timeoutSeconds", timeout);
    String text =
        timedOut
            ? "backup " + run.getId() + " timed out"
            : "backup "
                + run.getId()
                + " took "
                + run.getDurationSeconds()
                + " s, over 80% of the "
                + timeout
                + " s timeout";
    return Optional.of(
        once(b, NotificationEvent.Overtime, Severity.WARNING, run.getId(), at, text, d));
  }

  private static Optional<Happening> sizeChanged(
      DatabaseBackup b, DatabaseBackupStatus status, BackupRecord run, Instant at) {
    if (run.getStoredBytes() == null) {
      return Optional.empty();
    }
    Optional<BackupRecord> previousGood =
        RecentRuns.after(status, run.getId()).stream()
            .filter(r -> r.getPhase() == BackupPhase.Succeeded && r.getStoredBytes() != null)
            .findFirst();
    if (previousGood.isEmpty() || previousGood.get().getStoredBytes() <= 0) {
      return Optional.empty();
    }
    double before = previousGood.get().getStoredBytes();
    double change = (run.getStoredBytes() - before) / before;
    if (Math.abs(change) <= SIZE_CHANGE) {
      return Optional.empty();
    }
    long percent = Math.round(change * 100);
    Map<String, Object> d = runDetails(run, null);
    d.put("previousBackupId", previousGood.get().getId());
    d.put("previousStoredBytes", previousGood.get().getStoredBytes());
    d.put("changePercent", percent);
    return Optional.of(
        once(
            b,
            NotificationEvent.SizeChanged,
            Severity.WARNING,
            run.getId(),
            at,
            "backup "
                + run.getId()
                + " is "
                + (percent > 0 ? "+" : "")
                + percent
                + "% against the previous good backup",
            d));
  }

  private static Optional<Happening> capacity(DatabaseBackup b, BackupRecord run, Instant at) {
    boolean refused = Integer.valueOf(4).equals(run.getExitCode());
    Integer used = run.getVolumeUsedPercent();
    boolean full = used != null && used >= CAPACITY_PERCENT;
    if (!refused && !full) {
      return Optional.empty();
    }
    Map<String, Object> d = runDetails(run, refused ? "NotEnoughDiskSpace" : null);
    if (used != null) {
      d.put("volumeUsedPercent", used);
    }
    String text =
        refused
            ? "backup " + run.getId() + " refused: not enough disk space"
            : "the backup volume is " + used + "% full after backup " + run.getId();
    return Optional.of(
        new Happening(
            notification(
                b, NotificationEvent.CapacityLow, Severity.WARNING, run.getId(), at, text, d),
            true));
  }

  private static Optional<Happening> successRate(
      DatabaseBackup b, DatabaseBackupStatus status, Instant now) {
    if (status == null || status.getRecentBackups() == null) {
      return Optional.empty();
    }
    List<BackupRecord> finished =
        status.getRecentBackups().stream()
            .filter(r -> r != null && r.getId() != null)
            .filter(
                r -> r.getPhase() == BackupPhase.Succeeded || r.getPhase() == BackupPhase.Failed)
            .toList();
    long failed = finished.stream().filter(r -> r.getPhase() == BackupPhase.Failed).count();
    if (failed < RATE_FAILURES) {
      return Optional.empty();
    }
    long good = finished.size() - failed;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("runs", finished.size());
    d.put("succeeded", good);
    d.put("failed", failed);
    d.put("successPercent", Math.round(100.0 * good / finished.size()));
    String newest = finished.getFirst().getId();
    return Optional.of(
        new Happening(
            notification(
                b,
                NotificationEvent.SuccessRateLow,
                Severity.WARNING,
                newest,
                time(finished.getFirst().getCompletionTime()).orElse(now),
                failed + " of the last " + finished.size() + " runs failed",
                d),
            true));
  }

  /** When the resource becomes stale: the last success (or creation) plus 1.5 intervals. */
  public static Optional<Instant> staleAt(DatabaseBackup b, Instant now) {
    return StaleDerivation.staleAt(b, now);
  }

  static ResourceRef ref(DatabaseBackup b) {
    return new ResourceRef(
        KIND, b.getMetadata().getNamespace(), b.getMetadata().getName(), b.getMetadata().getUid());
  }

  static Optional<Instant> time(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
