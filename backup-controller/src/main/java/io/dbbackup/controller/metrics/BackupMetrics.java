package io.dbbackup.controller.metrics;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.status.ScheduleTimes;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The metrics of the design (docs/architecture.md glossary) (plus the previous good backup's size
 * and the timeout, which two of the chart's alerts compare with), derived at scrape time from the
 * DatabaseBackups in the controller's cache (so they follow the status the runner writes, and
 * vanish with the resource), plus the run counter. All are labelled {@code namespace}, {@code
 * name}.
 */
public final class BackupMetrics implements MultiCollector {
  private final RunCounter runs;
  private final Clock clock;
  private final NotificationCounter notifications;
  private volatile Supplier<? extends Collection<DatabaseBackup>> backups = List::of;

  public BackupMetrics(RunCounter runs, Clock clock) {
    this(runs, clock, new NotificationCounter());
  }

  public BackupMetrics(RunCounter runs, Clock clock, NotificationCounter notifications) {
    this.runs = runs;
    this.clock = clock;
    this.notifications = notifications;
  }

  /** The notification deliveries counted so far. */
  public NotificationCounter notifications() {
    return notifications;
  }

  /** Where the resources come from: the controller's primary cache once it has started. */
  public void readFrom(Supplier<? extends Collection<DatabaseBackup>> source) {
    this.backups = source;
  }

  @Override
  public MetricSnapshots collect() {
    Collection<DatabaseBackup> all = backups.get();
    runs.retain(all);
    Instant now = clock.instant();
    return MetricSnapshots.of(
        gauge(
            all,
            "dbbackup_last_success_timestamp_seconds",
            "Completion time of the latest good backup.",
            BackupMetrics::lastSuccess),
        gauge(
            all,
            "dbbackup_last_failure_timestamp_seconds",
            "Completion time of the latest failed run among the recent ones.",
            BackupMetrics::lastFailure),
        gauge(
            all,
            "dbbackup_last_duration_seconds",
            "Duration of the latest finished run.",
            BackupMetrics::lastDuration),
        gauge(
            all,
            "dbbackup_last_stored_bytes",
            "Stored size of the latest good backup.",
            BackupMetrics::lastStoredBytes),
        gauge(
            all,
            "dbbackup_previous_stored_bytes",
            "Stored size of the good backup before the latest good one (for the size-change alert).",
            BackupMetrics::previousStoredBytes),
        gauge(
            all,
            "dbbackup_timeout_seconds",
            "The run timeout, spec.timeoutMinutes in seconds (for the near-timeout alert).",
            b -> Optional.ofNullable(b.getSpec()).map(s -> s.getTimeoutMinutes() * 60.0)),
        gauge(
            all,
            "dbbackup_next_schedule_timestamp_seconds",
            "When the next scheduled run starts.",
            b -> seconds(status(b).map(DatabaseBackupStatus::getNextScheduleTime).orElse(null))),
        gauge(
            all,
            "dbbackup_expected_interval_seconds",
            "Seconds between scheduled runs at this time: the longer of the current gap and the"
                + " one before it.",
            b -> expectedInterval(b, now)),
        runsTotal(),
        notifications.snapshot());
  }

  /** {@code dbbackup_runs_total{namespace, name, result}}. */
  private CounterSnapshot runsTotal() {
    CounterSnapshot.Builder runsTotal =
        CounterSnapshot.builder().name("dbbackup_runs").help("Finished backup runs by result.");
    for (RunCounter.Counts c : runs.snapshot()) {
      c.byResult()
          .forEach(
              (result, count) ->
                  runsTotal.dataPoint(
                      CounterSnapshot.CounterDataPointSnapshot.builder()
                          .labels(
                              Labels.of(
                                  "namespace", c.namespace(), "name", c.name(), "result", result))
                          .value(count)
                          .build()));
    }
    return runsTotal.build();
  }

  private static GaugeSnapshot gauge(
      Collection<DatabaseBackup> all,
      String name,
      String help,
      Function<DatabaseBackup, Optional<Double>> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    for (DatabaseBackup b : all) {
      value
          .apply(b)
          .ifPresent(
              v ->
                  gauge.dataPoint(
                      GaugeSnapshot.GaugeDataPointSnapshot.builder()
                          .labels(
                              Labels.of(
                                  "namespace",
                                  b.getMetadata().getNamespace(),
                                  "name",
                                  b.getMetadata().getName()))
                          .value(v)
                          .build()));
    }
    return gauge.build();
  }

  private static Optional<DatabaseBackupStatus> status(DatabaseBackup b) {
    return Optional.ofNullable(b.getStatus());
  }

  static Optional<Double> lastSuccess(DatabaseBackup b) {
    return status(b)
        .map(DatabaseBackupStatus::getLastSuccessfulBackup)
        .flatMap(ref -> seconds(ref.getCompletionTime()));
  }

  static Optional<Double> lastFailure(DatabaseBackup b) {
    return runs(b)
        .filter(r -> r.getPhase() == BackupPhase.Failed)
        .map(r -> seconds(r.getCompletionTime() != null ? r.getCompletionTime() : r.getStartTime()))
        .flatMap(Optional::stream)
        .max(Double::compare);
  }

  static Optional<Double> lastDuration(DatabaseBackup b) {
    return status(b)
        .map(DatabaseBackupStatus::getLastBackup)
        .filter(r -> r.getPhase() != null && r.getPhase() != BackupPhase.Running)
        .map(BackupRecord::getDurationSeconds)
        .map(Long::doubleValue);
  }

  static Optional<Double> lastStoredBytes(DatabaseBackup b) {
    String id =
        status(b)
            .map(
                s ->
                    s.getLastSuccessfulBackup() == null
                        ? null
                        : s.getLastSuccessfulBackup().getId())
            .orElse(null);
    return runs(b)
        .filter(r -> id != null && id.equals(r.getId()) && r.getStoredBytes() != null)
        .findFirst()
        .map(r -> r.getStoredBytes().doubleValue());
  }

  /**
   * The good backup recorded before the latest good one, from {@code recentBackups} (newest first):
   * what the latest size is compared with.
   */
  static Optional<Double> previousStoredBytes(DatabaseBackup b) {
    String latest =
        status(b)
            .map(DatabaseBackupStatus::getLastSuccessfulBackup)
            .map(ref -> ref.getId())
            .orElse(null);
    List<BackupRecord> recent =
        status(b).map(DatabaseBackupStatus::getRecentBackups).orElse(List.of());
    boolean seenLatest = false;
    for (BackupRecord r : recent) {
      if (r == null || r.getPhase() != BackupPhase.Succeeded || r.getStoredBytes() == null) {
        continue;
      }
      if (!seenLatest) {
        seenLatest = r.getId() != null && r.getId().equals(latest);
        continue;
      }
      return Optional.of(r.getStoredBytes().doubleValue());
    }
    return Optional.empty();
  }

  static Optional<Double> expectedInterval(DatabaseBackup b, Instant now) {
    try {
      return ScheduleTimes.expectedInterval(b.getSpec(), now).map(d -> (double) d.toSeconds());
    } catch (RuntimeException invalidSchedule) {
      return Optional.empty();
    }
  }

  private static Stream<BackupRecord> runs(DatabaseBackup b) {
    DatabaseBackupStatus s = b.getStatus();
    if (s == null) {
      return Stream.empty();
    }
    Stream<BackupRecord> recent =
        s.getRecentBackups() == null ? Stream.empty() : s.getRecentBackups().stream();
    return Stream.concat(Stream.ofNullable(s.getLastBackup()), recent).filter(Objects::nonNull);
  }

  private static Optional<Double> seconds(String time) {
    try {
      return time == null
          ? Optional.empty()
          : Optional.of(Instant.parse(time).getEpochSecond() * 1.0);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
