package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.controller.dependent.RestoreJob;
import io.dbbackup.controller.dependent.RunnerConfigMapDependent;
import io.dbbackup.controller.dependent.RunnerPodTemplate;
import io.dbbackup.controller.restore.RestoreOutcome;
import io.dbbackup.testing.PostgresCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pods the controller writes, run with the real runner jar against real PostgreSQL servers: the
 * backup CronJob's pod makes a backup from its ConfigMap and Secrets, and a DatabaseRestore's Job
 * restores it from the backup's ConfigMap, the restore's ConfigMap and only the Secrets it mounts.
 * The runner's termination message then reads back as the controller reports it.
 */
class RestoreJobContractTest {
  @TempDir Path dir;

  @Test
  void theControllersRestoreJobRestoresTheBackupItsCronJobMade() throws Exception {
    try (PostgresCluster source = PostgresCluster.start();
        PostgresCluster target = PostgresCluster.start()) {
      source.execute("postgres", "CREATE DATABASE shop");
      source.execute(
          "shop",
          "CREATE TABLE orders (id int PRIMARY KEY, note text);"
              + " INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g");
      Path store = Files.createDirectories(dir.resolve("claim-backups"));
      DatabaseBackup backup =
          Serialization.unmarshal(
              """
              apiVersion: dbbackup.io/v1alpha1
              kind: DatabaseBackup
              metadata: {name: orders-db, namespace: shop, uid: 6f1c7e0e-backup, generation: 1}
              spec:
                schedule: "0 2 * * *"
                database:
                  host: %s
                  port: %d
                  user: %s
                  passwordSecretRef: {name: pg-backup, key: password}
                storage:
                  volume: {claimName: backups, path: %s}
              """
                  .formatted(source.host(), source.port(), source.superuser(), store),
              DatabaseBackup.class);
      PodRunner kubelet =
          new PodRunner(dir)
              .claim("backups", store)
              .configMap(
                  "orders-db-runner-config",
                  Map.of(RunnerConfigMapDependent.KEY, RunnerConfigMapDependent.yaml(backup)))
              .secret("pg-backup", Map.of("password", source.password()))
              .secret("pg-restore", Map.of("password", target.password()));

      // The CronJob's pod, without --report-status (no API server here).
      PodRunner.Ran backedUp =
          kubelet.run(RunnerPodTemplate.build(backup, "runner").getSpec(), "--report-status");
      assertThat(backedUp.exit()).as(backedUp.output()).isZero();
      String id;
      try (Stream<Path> folders = Files.list(store.resolve("shop/orders-db"))) {
        id =
            folders
                .map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith("."))
                .findFirst()
                .orElseThrow();
      }

      DatabaseRestore restore =
          Serialization.unmarshal(
              """
              apiVersion: dbbackup.io/v1alpha1
              kind: DatabaseRestore
              metadata: {name: orders-db-restore, namespace: shop, uid: 0a2b9c4d-restore}
              spec:
                backupRef: {name: orders-db}
                backupId: latest
                target:
                  host: %s
                  port: %d
                  user: %s
                  passwordSecretRef: {name: pg-restore, key: password}
              """
                  .formatted(target.host(), target.port(), target.superuser()),
              DatabaseRestore.class);
      Job job = RestoreJob.build(restore, backup, "runner");
      kubelet.configMap(RestoreJob.name(restore), RestoreJob.configMap(restore).getData());

      PodRunner.Ran restored = kubelet.run(job.getSpec().getTemplate().getSpec());
      assertThat(restored.exit()).as(restored.output()).isZero();
      assertThat(target.psql("shop", "SELECT count(*), max(note) FROM orders"))
          .isEqualTo("500|order 99");
      RestoreOutcome done = RestoreOutcome.of(ended(job, "Complete"), pod(0, restored));
      assertThat(done.succeeded()).isTrue();
      assertThat(done.backupId()).isEqualTo(id);
      assertThat(done.message()).startsWith("restored backup " + id + " (");
      assertThat(new ObjectMapper().readTree(restored.terminationMessage()).get("exitCode").asInt())
          .isZero();

      // The same Job again: the target now holds shop, and overwrite is false.
      PodRunner.Ran refused = kubelet.run(job.getSpec().getTemplate().getSpec());
      assertThat(refused.exit()).isEqualTo(2);
      RestoreOutcome failed = RestoreOutcome.of(ended(job, "Failed"), pod(2, refused));
      assertThat(failed.succeeded()).isFalse();
      assertThat(failed.reason()).isEqualTo("InvalidConfig");
      assertThat(failed.message()).contains("spec.overwrite").endsWith("(exit code 2)");
    }
  }

  static Job ended(Job job, String type) {
    return new JobBuilder(job)
        .withNewStatus()
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static Optional<Pod> pod(int exitCode, PodRunner.Ran ran) {
    return Optional.of(
        new PodBuilder()
            .withNewStatus()
            .addNewContainerStatus()
            .withName(RestoreJob.CONTAINER_NAME)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withMessage(ran.terminationMessage())
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build());
  }
}
