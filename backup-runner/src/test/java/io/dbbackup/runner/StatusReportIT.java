package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.MockApiServer;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --report-status} writes the runner's part of the resource's status (fabric8's mock
 * API server in CRUD mode with the generated CRD), leaving the controller's part alone.
 */
class StatusReportIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();
  @TempDir Path dir;

  @RegisterExtension final MockApiServer api = new MockApiServer();

  DatabaseBackup applyResource(BackupFixture fixture) {
    DatabaseBackup resource = Serialization.unmarshal(fixture.yaml(), DatabaseBackup.class);
    DatabaseBackup created = api.client().resource(resource).create();
    // The controller's part, as it would have written it.
    DatabaseBackupStatus status = new DatabaseBackupStatus();
    status.setObservedGeneration(1L);
    status.setNextScheduleTime("2026-11-25T02:00:00Z");
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("Scheduled")
                .withMessage("CronJob orders-db-backup is scheduled")
                .withLastTransitionTime("2026-11-24T00:00:00Z")
                .build()));
    created.setStatus(status);
    return api.client().resource(created).updateStatus();
  }

  DatabaseBackup fetch() {
    return api.backup("shop", "orders-db");
  }

  @Test
  void aGoodRunWritesTheRunnersPartOfTheStatusAndKeepsTheControllers() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, pgExtension.cluster());
    applyResource(fixture);

    assertThat(fixture.run(BackupFixture.testSettings(), "backup", "--report-status").exitCode())
        .isZero();

    DatabaseBackupStatus status = fetch().getStatus();
    var last = status.getLastBackup();
    assertThat(last.getPhase()).isEqualTo(BackupPhase.Succeeded);
    assertThat(last.getId()).isEqualTo(fixture.folders().getFirst().getFileName().toString());
    assertThat(last.getStoredBytes()).isPositive();
    assertThat(last.getSize()).matches("[0-9.]+(B|KiB|MiB)");
    assertThat(last.getVerified()).isTrue();
    assertThat(last.getExitCode()).isZero();
    assertThat(last.getLocation()).isEqualTo(fixture.folders().getFirst().toString());
    assertThat(status.getRecentBackups()).extracting(r -> r.getId()).containsExactly(last.getId());
    assertThat(status.getLastSuccessfulBackup().getId()).isEqualTo(last.getId());
    // How full the volume is, as df says (other writers on the machine may move it by a point).
    assertThat(last.getVolumeUsedPercent())
        .isCloseTo(dfPercent(fixture.folders().getFirst()), org.assertj.core.data.Offset.offset(1));
    Condition succeeded =
        Conditions.find(
                status.getConditions(), DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED)
            .orElseThrow();
    assertThat(succeeded.getStatus()).isEqualTo("True");
    // The controller's fields are untouched.
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getNextScheduleTime()).isEqualTo("2026-11-25T02:00:00Z");
    assertThat(Conditions.find(status.getConditions(), "Ready").orElseThrow().getReason())
        .isEqualTo("Scheduled");
    // kubectl describe shows the run as an Event on the resource.
    assertThat(events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getReason()).isEqualTo("BackupSucceeded");
              assertThat(e.getMessage()).contains(last.getId()).contains("verified");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("DatabaseBackup");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(fetch().getMetadata().getUid());
            });
  }

  static int dfPercent(Path path) throws Exception {
    Process df = new ProcessBuilder("df", "--output=pcent", path.toString()).start();
    String out = new String(df.getInputStream().readAllBytes()).trim();
    assertThat(df.waitFor()).isZero();
    String last = out.substring(out.lastIndexOf('\n') + 1).trim();
    return Integer.parseInt(last.replace("%", ""));
  }

  List<io.fabric8.kubernetes.api.model.Event> events() {
    return api.events("shop", "orders-db");
  }

  @Test
  void aFailedRunSetsLastBackupSucceededFalseWithTheFailureClass() {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    applyResource(fixture);
    assertThat(fixture.run(BackupFixture.testSettings(), "backup", "--report-status").exitCode())
        .isZero();
    pg.stop();

    assertThat(fixture.run(BackupFixture.testSettings(), "backup", "--report-status").exitCode())
        .isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

    DatabaseBackupStatus status = fetch().getStatus();
    assertThat(status.getLastBackup().getPhase()).isEqualTo(BackupPhase.Failed);
    assertThat(status.getLastBackup().getExitCode()).isEqualTo(3);
    assertThat(status.getRecentBackups()).hasSize(2);
    Condition c =
        Conditions.find(
                status.getConditions(), DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED)
            .orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("DatabaseUnreachable");
    assertThat(c.getMessage()).contains("unreachable after 1 attempt(s)");
    assertThat(events())
        .extracting(e -> e.getType() + " " + e.getReason())
        .containsExactlyInAnyOrder("Normal BackupSucceeded", "Warning BackupFailed");
    // The last good backup is still the one the status points at.
    assertThat(status.getLastSuccessfulBackup().getId())
        .isEqualTo(status.getRecentBackups().get(1).getId());
  }

  @Test
  void aMissingResourceDoesNotFailTheBackup() {
    BackupFixture fixture = new BackupFixture(dir, pgExtension.cluster());
    assertThat(fixture.run(BackupFixture.testSettings(), "backup", "--report-status").exitCode())
        .isZero();
    assertThat(fixture.folders()).hasSize(1);
  }
}
