package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

  KubernetesMockServer server;
  KubernetesClient client;
  final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void startApiServer() throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    client = server.createClient();
    try (InputStream in =
        Files.newInputStream(Path.of("../crds/databasebackups.dbbackup.io-v1.yml"))) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
    for (var e :
        Map.of(
                "kubernetes.master", client.getConfiguration().getMasterUrl(),
                "kubernetes.trust.certificates", "true",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false")
            .entrySet()) {
      saved.put(e.getKey(), System.getProperty(e.getKey()));
      System.setProperty(e.getKey(), e.getValue());
    }
  }

  @AfterEach
  void stopApiServer() {
    saved.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
    client.close();
    server.destroy();
  }

  @Test
  void anUnreadableFolderMakesRetentionDeleteNothingAndTheWarningReachesHistoryAndStatus()
      throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).retention(1, 1);
    client.resource(Serialization.unmarshal(fixture.yaml(), DatabaseBackup.class)).create();
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
    return client
        .resources(DatabaseBackup.class)
        .inNamespace("shop")
        .withName("orders-db")
        .get()
        .getStatus();
  }

  List<Event> events() {
    return client.v1().events().inNamespace("shop").list().getItems().stream()
        .filter(e -> "orders-db".equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
