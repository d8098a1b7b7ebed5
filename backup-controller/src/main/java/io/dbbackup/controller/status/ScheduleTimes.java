package io.dbbackup.controller.status;

import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.validation.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a spec's schedule fires, read in its time zone. Without {@code timeZone} a CronJob follows
 * the kube-controller-manager's zone, which is UTC in practice; UTC is assumed here too.
 */
public final class ScheduleTimes {
  private ScheduleTimes() {}

  public static ZoneId zone(DatabaseBackupSpec spec) {
    return spec.getTimeZone() == null || spec.getTimeZone().isBlank()
        ? ZoneOffset.UTC
        : ZoneId.of(spec.getTimeZone());
  }

  /** The next scheduled start strictly after {@code now}; empty when suspended. */
  public static Optional<Instant> next(DatabaseBackupSpec spec, Instant now) {
    if (spec.isSuspend()) {
      return Optional.empty();
    }
    return CronSchedule.parse(spec.getSchedule())
        .nextAfter(ZonedDateTime.ofInstant(now, zone(spec)))
        .map(ZonedDateTime::toInstant);
  }

  /**
   * The schedule's interval at {@code now}, for the "too old" alert: the longer of the gap now is
   * in (the last start to the next) and the gap before it. A regular schedule gives its period. An
   * irregular one needs both: with the next two starts alone, a weekday schedule alerted every
   * Monday (Friday's backup is then 72 h old, 1.5 times the 24 h ahead), and with the current gap
   * alone, Monday's run alerted while it still ran.
   */
  public static Optional<Duration> expectedInterval(DatabaseBackupSpec spec, Instant now) {
    CronSchedule schedule = CronSchedule.parse(spec.getSchedule());
    ZonedDateTime at = ZonedDateTime.ofInstant(now, zone(spec));
    Optional<ZonedDateTime> next = schedule.nextAfter(at);
    if (next.isEmpty()) {
      return Optional.empty();
    }
    // A start at exactly now begins the current gap.
    Optional<ZonedDateTime> last = schedule.lastBefore(at.plusSeconds(1));
    if (last.isEmpty()) {
      return schedule.nextAfter(next.get()).map(after -> Duration.between(next.get(), after));
    }
    Duration current = Duration.between(last.get(), next.get());
    Duration before =
        schedule
            .lastBefore(last.get().minusSeconds(1))
            .map(b -> Duration.between(b, last.get()))
            .orElse(current);
    return Optional.of(current.compareTo(before) >= 0 ? current : before);
  }
}
