package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.controller.status.ScheduleTimes;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * BackupStale, {@link NotificationDerivation}'s one happening that comes from the schedule rather
 * than a run: no success for {@link NotificationDerivation#STALE_FACTOR} times the expected
 * interval, measured from the last success or the resource's creation; not while suspended.
 */
final class StaleDerivation {
  private StaleDerivation() {}

  /** When the resource becomes stale: the last success (or creation) plus 1.5 intervals. */
  static Optional<Instant> staleAt(DatabaseBackup b, Instant now) {
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
    Optional<Instant> since =
        lastSuccess(b)
            .or(() -> NotificationDerivation.time(b.getMetadata().getCreationTimestamp()));
    if (interval.isEmpty() || since.isEmpty()) {
      return Optional.empty();
    }
    long millis = (long) (interval.get().toMillis() * NotificationDerivation.STALE_FACTOR);
    return Optional.of(since.get().plusMillis(millis));
  }

  static Optional<Happening> stale(DatabaseBackup b, Instant now) {
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
                NotificationDerivation.ref(b),
                goodId,
                text,
                d),
            true));
  }

  private static Optional<Instant> lastSuccess(DatabaseBackup b) {
    DatabaseBackupStatus s = b.getStatus();
    return s == null || s.getLastSuccessfulBackup() == null
        ? Optional.empty()
        : NotificationDerivation.time(s.getLastSuccessfulBackup().getCompletionTime());
  }
}
