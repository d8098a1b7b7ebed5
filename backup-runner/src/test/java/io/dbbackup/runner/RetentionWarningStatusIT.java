package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.MockApiServer;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A good run whose retention could not see the whole store (a folder whose manifest cannot be read)
 * says so beyond the log: in its history row and in the resource's status (lastBackup.message and
 * the Event), with the run still a success; the next run without the problem clears it.
 */
class RetentionWarningStatusIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();
  @TempDir Path dir;

  @RegisterExtension final MockApiServer api = new MockApiServer();

  @Test
  void anUnreadableFolderMakesRetentionDeleteNothingAndTheWarningReachesHistoryAndStatus()
      throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).retention(1, 1);
    api.client().resource(Serialization.unmarshal(fixture.yaml(), DatabaseBackup.class)).create();
    assertThat(backup(fixture)).isZero();
    assertThat(lastRow(pg)).isEqualTo("SUCCEEDED - -");
    assertThat(fetch().getLastBackup().getMessage()).isNull();

    // A folder of five days ago whose manifest is cut short: expired, but not provably abandoned.
    BackupId broken = BackupId.generate(Instant.now().minus(Duration.ofDays(5)));
    Path folder = Files.createDirectories(fixture.backupsRoot().resolve(broken.value()));
    Files.writeString(folder.resolve("manifest.json"), "{\"formatVersion\": 1, \"id\":");
    List<Path> before = fixture.folders();

    assertThat(backup(fixture)).isZero();

    assertThat(fixture.folders()).containsAll(before).hasSize(before.size() + 1);
    String row = lastRow(pg);
    assertThat(row)
        .startsWith("SUCCEEDED - warning: retention skipped: 1 backup folder(s) could not be read")
        .contains(broken.value())
        .contains("not valid JSON");
    DatabaseBackupStatus status = fetch();
    var last = status.getLastBackup();
    assertThat(last.getPhase()).isEqualTo(BackupPhase.Succeeded);
    assertThat(last.getExitCode()).isZero();
    assertThat(last.getMessage()).isEqualTo(row.substring("SUCCEEDED - ".length()));
    assertThat(status.getRecentBackups().getFirst().getMessage()).isEqualTo(last.getMessage());
    assertThat(
            Conditions.find(
                    status.getConditions(), DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED)
                .orElseThrow()
                .getStatus())
        .isEqualTo("True");
    assertThat(events())
        .filteredOn(e -> e.getMessage().contains(last.getId()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains("succeeded")
                    .contains("warning: retention skipped")
                    .contains(broken.value()));

    // Without the unreadable folder, the next run has no warning and the status no message.
    Files.delete(folder.resolve("manifest.json"));
    Files.delete(folder);
    assertThat(backup(fixture)).isZero();
    assertThat(lastRow(pg)).isEqualTo("SUCCEEDED - -");
    assertThat(fetch().getLastBackup().getMessage()).isNull();
  }

  int backup(BackupFixture fixture) {
    return fixture.run(BackupFixture.testSettings(), "backup", "--report-status").exitCode();
  }

  static String lastRow(PostgresCluster pg) {
    return pg.psql(
        "postgres",
        "SELECT status || ' ' || coalesce(error_code::text, '-') || ' '"
            + " || coalesce(error_message, '-') FROM dbbackup.backup_history"
            + " ORDER BY started_at DESC LIMIT 1");
  }

  DatabaseBackupStatus fetch() {
    return api.backup("shop", "orders-db").getStatus();
  }

  List<Event> events() {
    return api.events("shop", "orders-db");
  }
}
