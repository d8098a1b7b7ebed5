package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.metrics.BackupMetrics;
import io.dbbackup.controller.metrics.RunCounter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two series the chart's size-change and near-timeout alerts compare with. */
class AlertMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  static BackupRecord run(String id, BackupPhase phase, Long storedBytes) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setStartTime(NOW.toString());
    r.setCompletionTime(NOW.toString());
    r.setDurationSeconds(60L);
    r.setStoredBytes(storedBytes);
    return r;
  }

  static Optional<Double> gauge(DatabaseBackup backup, String name) {
    var metrics = new BackupMetrics(new RunCounter(), Clock.fixed(NOW, ZoneOffset.UTC));
    metrics.readFrom(() -> List.of(backup));
    var registry = new PrometheusRegistry();
    registry.register(metrics);
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals(name))
        .findFirst()
        .map(m -> ((GaugeSnapshot) m).getDataPoints())
        .filter(points -> !points.isEmpty())
        .map(points -> points.getFirst().getValue());
  }

  @Test
  void previousStoredBytesIsTheGoodBackupBeforeTheLatestGoodOneSkippingFailures() {
    DatabaseBackup backup = Fixtures.volumeBackup("shop", "db");
    backup.setStatus(new DatabaseBackupStatus());
    RunnerStatus.record(backup.getStatus(), run("a", BackupPhase.Succeeded, 1_000L), NOW);
    assertThat(gauge(backup, "dbbackup_previous_stored_bytes")).isEmpty();
    RunnerStatus.record(backup.getStatus(), run("b", BackupPhase.Failed, null), NOW);
    RunnerStatus.record(backup.getStatus(), run("c", BackupPhase.Succeeded, 1_400L), NOW);
    assertThat(gauge(backup, "dbbackup_last_stored_bytes")).contains(1_400.0);
    assertThat(gauge(backup, "dbbackup_previous_stored_bytes")).contains(1_000.0);
    // A run in progress changes neither.
    RunnerStatus.record(backup.getStatus(), run("d", BackupPhase.Running, null), NOW);
    assertThat(gauge(backup, "dbbackup_previous_stored_bytes")).contains(1_000.0);
  }

  @Test
  void timeoutSecondsIsTheSpecsTimeoutMinutes() {
    DatabaseBackup backup = Fixtures.volumeBackup("shop", "db");
    backup.getSpec().setTimeoutMinutes(90);
    assertThat(gauge(backup, "dbbackup_timeout_seconds")).contains(5_400.0);
  }
}
