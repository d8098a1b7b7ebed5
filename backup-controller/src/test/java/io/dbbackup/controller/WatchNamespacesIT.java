package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With DBBACKUP_WATCH_NAMESPACES the controller acts in those namespaces only. */
class WatchNamespacesIT {
  @Test
  void resourcesOutsideTheWatchedNamespacesAreLeftAlone() throws Exception {
    ControllerConfig config =
        new ControllerConfig(
            TestConfig.RUNNER_IMAGE,
            Set.of("watched"),
            false,
            "unused",
            null,
            0,
            Duration.ofSeconds(1));
    try (MockCluster cluster = new MockCluster();
        BackupOperator operator =
            new BackupOperator(cluster.newClient(), config, Clock.systemUTC())) {
      cluster.secret("watched", "pg-backup", Map.of("password", "x"));
      cluster.secret("other", "pg-backup", Map.of("password", "x"));
      operator.start();
      cluster.create(Fixtures.volumeBackup("watched", "in"));
      cluster.create(Fixtures.volumeBackup("other", "out"));
      var client = cluster.client();
      TestConfig.eventually()
          .untilAsserted(
              () -> {
                assertThat(
                        client
                            .batch()
                            .v1()
                            .cronjobs()
                            .inNamespace("watched")
                            .withName("in-backup")
                            .get())
                    .isNotNull();
                assertThat(
                        client
                            .resources(DatabaseBackup.class)
                            .inNamespace("watched")
                            .withName("in")
                            .get()
                            .getStatus()
                            .getNextScheduleTime())
                    .isNotNull();
              });
      Thread.sleep(1000);
      assertThat(client.batch().v1().cronjobs().inNamespace("other").list().getItems()).isEmpty();
      assertThat(
              client
                  .resources(DatabaseBackup.class)
                  .inNamespace("other")
                  .withName("out")
                  .get()
                  .getStatus()
                  .getConditions())
          .isEmpty();
    }
  }
}
