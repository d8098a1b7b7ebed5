package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The runner and the controller write the same status; neither loses the other's fields. */
class StatusOwnershipIT extends ControllerTestBase {

  static BackupRecord run(int i) {
    BackupRecord r = new BackupRecord();
    r.setId("run-" + i);
    r.setPhase(i % 3 == 0 ? BackupPhase.Failed : BackupPhase.Succeeded);
    r.setCompletionTime(Instant.now().toString());
    r.setStoredBytes(1000L + i);
    return r;
  }

  @Test
  void aRunnerWriteBetweenTheControllersReadAndPatchIsRetriedNotLost() {
    cluster.create(Fixtures.volumeBackup(NS, "interleave-db"));
    awaitReady("interleave-db", "True");
    StatusPatcher runner = new StatusPatcher(cluster.newClient());
    StatusPatcher controller = new StatusPatcher(cluster.newClient());
    AtomicInteger attempts = new AtomicInteger();

    controller.patch(
        NS,
        "interleave-db",
        StatusPart.CONTROLLER,
        s -> {
          if (attempts.incrementAndGet() == 1) {
            // The runner writes after the controller read: the controller's patch must conflict.
            runner.patch(
                NS,
                "interleave-db",
                StatusPart.RUNNER,
                r -> RunnerStatus.record(r, run(1), Instant.now()));
          }
          s.setLastScheduleTime("2026-11-24T02:00:00Z");
        });

    assertThat(attempts).hasValue(2);
    DatabaseBackupStatus s = backup("interleave-db").getStatus();
    assertThat(s.getLastScheduleTime()).isEqualTo("2026-11-24T02:00:00Z");
    assertThat(s.getLastBackup().getId()).isEqualTo("run-1");
    assertThat(Conditions.isTrue(s.getConditions(), DatabaseBackupStatus.CONDITION_READY)).isTrue();
    assertThat(
            Conditions.isTrue(
                s.getConditions(), DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED))
        .isTrue();
  }

  @Test
  void concurrentRunnerReportsAndSpecChangesKeepBothParts() {
    cluster.create(Fixtures.volumeBackup(NS, "busy-db"));
    awaitReady("busy-db", "True");
    StatusPatcher runner = new StatusPatcher(cluster.newClient());

    CompletableFuture<Void> runs =
        CompletableFuture.runAsync(
            () ->
                IntStream.rangeClosed(1, 15)
                    .forEach(
                        i ->
                            runner.patch(
                                NS,
                                "busy-db",
                                StatusPart.RUNNER,
                                s -> RunnerStatus.record(s, run(i), Instant.now()))));
    for (int hour = 1; hour <= 6; hour++) {
      String schedule = "0 " + hour + " * * *";
      edit(
          "busy-db",
          b -> {
            b.getSpec().setSchedule(schedule);
            return b;
          });
    }
    runs.join();

    DatabaseBackup b = awaitReady("busy-db", "True");
    DatabaseBackupStatus s = b.getStatus();
    assertThat(b.getMetadata().getGeneration()).isEqualTo(7L);
    assertThat(s.getRecentBackups())
        .extracting(BackupRecord::getId)
        .containsExactly(
            IntStream.iterate(15, i -> i - 1)
                .limit(10)
                .mapToObj(i -> "run-" + i)
                .toArray(String[]::new));
    assertThat(s.getLastBackup().getId()).isEqualTo("run-15");
    assertThat(s.getLastSuccessfulBackup().getId()).isEqualTo("run-14");
    assertThat(condition(b, DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED).getStatus())
        .isEqualTo("False");
    assertThat(condition(b, DatabaseBackupStatus.CONDITION_READY).getMessage())
        .contains("\"0 6 * * *\"");
    assertThat(
            Instant.parse(s.getNextScheduleTime())
                .atZone(java.time.ZoneId.of("Asia/Tokyo"))
                .getHour())
        .isEqualTo(6);
    assertThat(s.getConditions())
        .extracting(c -> c.getType())
        .containsExactlyInAnyOrder("Ready", "LastBackupSucceeded");
  }
}
