package io.dbbackup.controller.notify;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.controller.status.ScheduleTimes;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.ResourceRef;
import io.dbbackup.notify.Severity;
import java.time.Duration;
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
    stale(backup, now).ifPresent(out::add);
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
      Optional<BackupRecord> previous = previousFinished(status, id);
      boolean afterFailure =
          previous.isPresent() && previous.get().getPhase() == BackupPhase.Failed;
      if (afterFailure || staleAnnounced(status, id)) {
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
        after(status, run.getId()).stream()
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
    DatabaseBackupSpec spec = b.getSpec();
    if (spec == null || spec.isSuspend()) {
      return Optional.empty();
    }
    Optional<Duration> interval;
    try {
      interval = ScheduleTimes.expectedInterval(spec, now);
    } catch (RuntimeException invalidSchedule) {
      return Optional.empty();
    }
    Optional<Instant> since = lastSuccess(b).or(() -> time(b.getMetadata().getCreationTimestamp()));
    if (interval.isEmpty() || since.isEmpty()) {
      return Optional.empty();
    }
    long millis = (long) (interval.get().toMillis() * STALE_FACTOR);
    return Optional.of(since.get().plusMillis(millis));
  }

  private static Optional<Happening> stale(DatabaseBackup b, Instant now) {
    Optional<Instant> at = staleAt(b, now);
    if (at.isEmpty() || !now.isAfter(at.get())) {
      return Optional.empty();
    }
    DatabaseBackupStatus s = b.getStatus();
    String goodId =
        s == null || s.getLastSuccessfulBackup() == null || lastSuccess(b).isEmpty()
            ? null
            : s.getLastSuccessfulBackup().getId();
    Map<String, Object> d = new LinkedHashMap<>();
    Optional<Instant> success = lastSuccess(b);
    success.ifPresent(t -> d.put("lastSuccessTime", t.toString()));
    if (goodId != null) {
      d.put("lastSuccessfulBackupId", goodId);
    }
    d.put("staleSince", at.get().toString());
    try {
      ScheduleTimes.expectedInterval(b.getSpec(), now)
          .ifPresent(i -> d.put("expectedIntervalSeconds", i.toSeconds()));
    } catch (RuntimeException ignored) {
      // staleAt already read it
    }
    String text =
        success
            .map(t -> "no successful backup since " + t)
            .orElse("no successful backup since the resource was created");
    return Optional.of(
        new Happening(
            new Notification(
                NotificationEvent.BackupStale + "/" + (goodId == null ? "never" : goodId),
                NotificationEvent.BackupStale,
                Severity.CRITICAL,
                now,
                ref(b),
                goodId,
                text,
                d),
            true));
  }

  private static Optional<Instant> lastSuccess(DatabaseBackup b) {
    DatabaseBackupStatus s = b.getStatus();
    return s == null || s.getLastSuccessfulBackup() == null
        ? Optional.empty()
        : time(s.getLastSuccessfulBackup().getCompletionTime());
  }

  /**
   * Whether a BackupStale about the good backup before {@code id} (or about none) was sent: the
   * success {@code id} then ends it, and is a recovery too (PagerDuty resolves the incident).
   */
  private static boolean staleAnnounced(DatabaseBackupStatus status, String id) {
    if (status == null || status.getNotifications() == null) {
      return false;
    }
    String previousGood =
        after(status, id).stream()
            .filter(r -> r.getPhase() == BackupPhase.Succeeded)
            .map(BackupRecord::getId)
            .findFirst()
            .orElse("never");
    String key = NotificationEvent.BackupStale + "/" + previousGood;
    return status.getNotifications().stream()
        .anyMatch(r -> r != null && key.equals(r.getKey()) && "Sent".equals(r.getResult()));
  }

  /** The finished (Succeeded or Failed) run recorded before {@code id}. */
  private static Optional<BackupRecord> previousFinished(DatabaseBackupStatus status, String id) {
    return after(status, id).stream()
        .filter(r -> r.getPhase() == BackupPhase.Succeeded || r.getPhase() == BackupPhase.Failed)
        .findFirst();
  }

  /** The records of {@code recentBackups} (newest first) that come after {@code id}. */
  private static List<BackupRecord> after(DatabaseBackupStatus status, String id) {
    List<BackupRecord> recent =
        status == null || status.getRecentBackups() == null ? List.of() : status.getRecentBackups();
    for (int i = 0; i < recent.size(); i++) {
      if (recent.get(i) != null && id.equals(recent.get(i).getId())) {
        return recent.subList(i + 1, recent.size()).stream()
            .filter(r -> r != null && r.getId() != null)
            .toList();
      }
    }
    return List.of();
  }

  private static Happening once(
      DatabaseBackup b,
      NotificationEvent event,
      Severity severity,
      String runId,
      Instant at,
      String summary,
      Map<String, Object> details) {
    return new Happening(notification(b, event, severity, runId, at, summary, details), false);
  }

  private static Notification notification(
      DatabaseBackup b,
      NotificationEvent event,
      Severity severity,
      String runId,
      Instant at,
      String summary,
      Map<String, Object> details) {
    return new Notification(
        event + "/" + runId, event, severity, at, ref(b), runId, summary, details);
  }

  static ResourceRef ref(DatabaseBackup b) {
    return new ResourceRef(
        KIND, b.getMetadata().getNamespace(), b.getMetadata().getName(), b.getMetadata().getUid());
  }

  private static Map<String, Object> runDetails(BackupRecord run, String reason) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (run.getExitCode() != null) {
      d.put("exitCode", run.getExitCode());
    }
    if (reason != null) {
      d.put("reason", reason);
    }
    if (run.getMessage() != null) {
      d.put("message", run.getMessage());
    }
    if (run.getStoredBytes() != null) {
      d.put("storedBytes", run.getStoredBytes());
    }
    if (run.getDurationSeconds() != null) {
      d.put("durationSeconds", run.getDurationSeconds());
    }
    if (run.getLocation() != null) {
      d.put("location", run.getLocation());
    }
    if (run.getJobName() != null) {
      d.put("job", run.getJobName());
    }
    if (run.getStartTime() != null) {
      d.put("startTime", run.getStartTime());
    }
    return d;
  }

  private static String sizeText(BackupRecord run) {
    return run.getSize() == null ? "" : ", " + run.getSize();
  }

  private static String firstLine(String message, String fallback) {
    if (message == null || message.isBlank()) {
      return fallback;
    }
    String line = message.strip().lines().findFirst().orElse(fallback);
    return line.length() <= 200 ? line : line.substring(0, 197) + "...";
  }

  static Optional<Instant> time(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
