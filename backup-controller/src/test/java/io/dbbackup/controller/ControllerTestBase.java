package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A mock cluster with the Secrets the fixtures use and the operator running against it. */
abstract class ControllerTestBase {
  static final String NS = "shop";
  static MockCluster cluster;
  static KubernetesClient client;
  static BackupOperator operator;

  @BeforeAll
  static void startClusterAndOperator() {
    cluster = new MockCluster();
    client = cluster.client();
    cluster.secret(NS, "pg-backup", Map.of("password", "s3cret"));
    cluster.secret(NS, "s3-creds", Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"));
    cluster.secret(NS, "backup-pubkeys", Map.of("ops.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    operator = new BackupOperator(cluster.newClient(), TestConfig.config(), Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  static void stopClusterAndOperator() {
    operator.close();
    cluster.close();
  }

  static DatabaseBackup backup(String name) {
    return client.resources(DatabaseBackup.class).inNamespace(NS).withName(name).get();
  }

  /**
   * A user's edit: retried on 409 Conflict, as kubectl users do when status writes race them. The
   * retries wait a short random time and give up after {@link #EDIT_PATIENCE}: without the wait, a
   * busy runner and controller can win every one of a burst of immediate retries (seen in CI).
   */
  static DatabaseBackup edit(String name, UnaryOperator<DatabaseBackup> change) {
    long deadline = System.nanoTime() + EDIT_PATIENCE.toNanos();
    while (true) {
      try {
        return client.resources(DatabaseBackup.class).inNamespace(NS).withName(name).edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(5, 60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while retrying an edit of " + name, e);
      }
    }
  }

  static final Duration EDIT_PATIENCE = Duration.ofSeconds(30);

  static CronJob cronJob(String name) {
    return client.batch().v1().cronjobs().inNamespace(NS).withName(name + "-backup").get();
  }

  static Condition condition(DatabaseBackup b, String type) {
    return Conditions.find(b.getStatus().getConditions(), type).orElseThrow();
  }

  static Condition ready(DatabaseBackup b) {
    return condition(b, DatabaseBackupStatus.CONDITION_READY);
  }

  /** Waits until Ready has {@code status} for the resource's current generation. */
  static DatabaseBackup awaitReady(String name, String status) {
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              DatabaseBackup b = backup(name);
              assertThat(ready(b).getStatus()).isEqualTo(status);
              assertThat(b.getStatus().getObservedGeneration())
                  .isEqualTo(b.getMetadata().getGeneration());
            });
    return backup(name);
  }
}
