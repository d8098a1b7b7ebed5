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

  /** The gap between the next two scheduled starts after {@code now} (for "too old" alerts). */
  public static Optional<Duration> expectedInterval(DatabaseBackupSpec spec, Instant now) {
    CronSchedule schedule = CronSchedule.parse(spec.getSchedule());
    ZoneId zone = zone(spec);
    return schedule
        .nextAfter(ZonedDateTime.ofInstant(now, zone))
        .flatMap(first -> schedule.nextAfter(first).map(second -> Duration.between(first, second)));
  }
}
