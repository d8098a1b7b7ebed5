package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two replicas with leader election: one holds the Lease and reconciles, both stay up. */
class LeaderElectionIT {
  static ControllerConfig electing() {
    return new ControllerConfig(
        TestConfig.RUNNER_IMAGE,
        Set.of(),
        true,
        "dbbackup-test-leader",
        "operators",
        0,
        Duration.ofSeconds(1));
  }

  @Test
  void oneOfTwoReplicasLeadsAndReconciles() {
    MockCluster mock = new MockCluster();
    mock.allowLeaderElection();
    try (MockCluster cluster = mock;
        BackupOperator first =
            new BackupOperator(cluster.newClient(), electing(), Clock.systemUTC());
        BackupOperator second =
            new BackupOperator(cluster.newClient(), electing(), Clock.systemUTC())) {
      cluster.secret("shop", "pg-backup", Map.of("password", "x"));
      first.start();
      second.start();

      TestConfig.eventually()
          .untilAsserted(
              () -> {
                Lease lease =
                    cluster
                        .client()
                        .leases()
                        .inNamespace("operators")
                        .withName("dbbackup-test-leader")
                        .get();
                assertThat(lease.getSpec().getHolderIdentity())
                    .isIn(first.identity(), second.identity());
              });
      assertThat(first.identity()).isNotEqualTo(second.identity());

      cluster.create(Fixtures.volumeBackup("shop", "led-db"));
      TestConfig.eventually()
          .untilAsserted(
              () ->
                  assertThat(
                          cluster
                              .client()
                              .batch()
                              .v1()
                              .cronjobs()
                              .inNamespace("shop")
                              .withName("led-db-backup")
                              .get())
                      .isNotNull());
    }
  }
}
