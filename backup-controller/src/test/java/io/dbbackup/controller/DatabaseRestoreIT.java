package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.controller.dependent.RestoreJob;
import io.dbbackup.controller.restore.RestoreOutcomeTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DatabaseRestore → one restricted Job of the runner's restore command, followed to its end. */
class DatabaseRestoreIT extends ControllerTestBase {

  @BeforeAll
  static void restoreSecrets() {
    cluster.secret(NS, "pg-restore", Map.of("password", "t4rget"));
    cluster.secret(
        NS, "backup-privkey", Map.of("ops.key", "-----BEGIN PGP PRIVATE KEY BLOCK-----"));
  }

  static DatabaseRestore restore(String name, String backup, String extra) {
    return Serialization.unmarshal(
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: %s, namespace: %s}
        spec:
          backupRef: {name: %s}
          backupId: latest
          target:
            host: pg-restore.shop.svc
            port: 5432
            user: postgres
            passwordSecretRef: {name: pg-restore, key: password}
          %s
        """
            .formatted(name, NS, backup, extra),
        DatabaseRestore.class);
  }

  static DatabaseRestore get(String name) {
    return client.resources(DatabaseRestore.class).inNamespace(NS).withName(name).get();
  }

  static DatabaseRestoreStatus awaitPhase(String name, Phase phase) {
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              DatabaseRestore r = get(name);
              assertThat(r.getStatus()).isNotNull();
              assertThat(r.getStatus().getPhase()).isEqualTo(phase);
            });
    return get(name).getStatus();
  }

  /**
   * Waits until the restore is Pending for {@code reason}: one created just as its backup turned
   * Ready may first say BackupNotReady, until the controller's informer has the backup's new
   * status.
   */
  static DatabaseRestoreStatus awaitPending(String name, String reason) {
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              DatabaseRestore r = get(name);
              assertThat(r.getStatus()).isNotNull();
              assertThat(r.getStatus().getPhase()).isEqualTo(Phase.Pending);
              assertThat(r.getStatus().getConditions().getFirst().getReason()).isEqualTo(reason);
            });
    return get(name).getStatus();
  }

  static Job awaitJob(String restore) {
    TestConfig.eventually().untilAsserted(() -> assertThat(job(restore)).isNotNull());
    return job(restore);
  }

  static Job job(String restore) {
    return client.batch().v1().jobs().inNamespace(NS).withName(restore + "-restore").get();
  }

  static List<String> events(String involved) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()))
        .filter(e -> "DatabaseRestore".equals(e.getInvolvedObject().getKind()))
        .map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .toList();
  }

  /** The Job controller's and kubelet's part: the pod ran and ended with this message. */
  static void podEnded(String restore, int exitCode, String reason, String message) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            RestoreOutcomeTest.terminated(exitCode, reason, message)
                .withNewMetadata()
                .withName(restore + "-restore-x7k2p")
                .withNamespace(NS)
                .withLabels(job(restore).getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(RestoreJob.CONTAINER_NAME)
                .withImage("runner")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  static void jobStatus(String restore, boolean started, String endType, String reason) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(restore + "-restore")
        .editStatus(
            j -> {
              var s = new io.fabric8.kubernetes.api.model.batch.v1.JobStatus();
              s.setStartTime(started ? "2026-11-24T03:00:00Z" : null);
              s.setActive(endType == null ? 1 : 0);
              if (endType != null) {
                s.setConditions(
                    List.of(
                        new JobConditionBuilder()
                            .withType(endType)
                            .withStatus("True")
                            .withReason(reason)
                            .withMessage(reason == null ? null : "Job has " + reason)
                            .withLastTransitionTime("2026-11-24T03:20:00Z")
                            .build()));
              }
              j.setStatus(s);
              return j;
            });
  }

  @Test
  void aRestoreRunsOnceAsARestrictedJobAndReportsTheRunnersOutcome() {
    cluster.create(Fixtures.volumeBackup(NS, "orders-db"));
    awaitReady("orders-db", "True");
    DatabaseRestore created =
        client
            .resource(
                restore(
                    "orders-db-restore",
                    "orders-db",
                    "decryption: {privateKeySecretRef: {name: backup-privkey, key: ops.key}}"))
            .create();

    Job job = awaitJob("orders-db-restore");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("DatabaseRestore");
              assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(14_400L);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(TestConfig.RUNNER_IMAGE);
    assertThat(container.getArgs())
        .containsExactly(
            "restore",
            "-f",
            "/etc/dbbackup/config/databasebackup.yaml",
            "--restore",
            "/etc/dbbackup/restore/databaserestore.yaml",
            "--secrets-dir",
            "/var/run/dbbackup/secrets",
            "--result-file",
            "/dev/termination-log");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getEnv()).isNullOrEmpty();
    Map<String, Volume> volumes =
        pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("orders-db-runner-config");
    assertThat(volumes.get("restore").getConfigMap().getName())
        .isEqualTo("orders-db-restore-restore");
    assertThat(volumes.get("backup-storage").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("backups");
    assertThat(volumes.get("backup-storage").getPersistentVolumeClaim().getReadOnly()).isTrue();
    // The Secrets a restore reads, one key each; not the backed-up server's password.
    assertThat(
            volumes.values().stream()
                .filter(v -> v.getSecret() != null)
                .map(
                    v ->
                        v.getSecret().getSecretName()
                            + ":"
                            + v.getSecret().getItems().getFirst().getKey()))
        .containsExactlyInAnyOrder("pg-restore:password", "backup-privkey:ops.key");
    assertThat(container.getVolumeMounts())
        .allSatisfy(
            m ->
                assertThat(m.getReadOnly() == Boolean.TRUE || m.getMountPath().equals("/tmp"))
                    .isTrue());

    // The runner reads the restore from the ConfigMap: the same resource, valid.
    ConfigMap config =
        client.configMaps().inNamespace(NS).withName("orders-db-restore-restore").get();
    DatabaseRestore carried =
        Serialization.unmarshal(config.getData().get(RestoreJob.CONFIG_KEY), DatabaseRestore.class);
    assertThat(DatabaseRestoreValidator.validate(carried)).isEmpty();
    assertThat(Serialization.asJson(carried.getSpec()))
        .isEqualTo(Serialization.asJson(created.getSpec()));
    assertThat(carried.getMetadata().getName()).isEqualTo("orders-db-restore");

    DatabaseRestoreStatus pending = awaitPhase("orders-db-restore", Phase.Pending);
    assertThat(pending.getConditions().getFirst().getStatus()).isEqualTo("Unknown");
    assertThat(pending.getConditions().getFirst().getReason()).isEqualTo("JobCreated");

    jobStatus("orders-db-restore", true, null, null);
    DatabaseRestoreStatus running = awaitPhase("orders-db-restore", Phase.Running);
    assertThat(running.getStartTime()).isEqualTo("2026-11-24T03:00:00Z");

    podEnded(
        "orders-db-restore",
        0,
        "Completed",
        "{\"exitCode\":0,\"backupId\":\"20261124T020000Z-7f3a\",\"message\":\"restored backup"
            + " 20261124T020000Z-7f3a (1.2GiB of SQL) in 312 s\"}");
    jobStatus("orders-db-restore", true, "Complete", null);
    DatabaseRestoreStatus done = awaitPhase("orders-db-restore", Phase.Succeeded);
    assertThat(done.getBackupId()).isEqualTo("20261124T020000Z-7f3a");
    assertThat(done.getMessage())
        .isEqualTo("restored backup 20261124T020000Z-7f3a (1.2GiB of SQL) in 312 s");
    assertThat(done.getCompletionTime()).isEqualTo("2026-11-24T03:20:00Z");
    assertThat(done.getConditions().getFirst().getType()).isEqualTo("Succeeded");
    assertThat(done.getConditions().getFirst().getStatus()).isEqualTo("True");
    assertThat(done.getConditions().getFirst().getReason()).isEqualTo("Restored");
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(events("orders-db-restore"))
                    .anyMatch(
                        e ->
                            e.startsWith(
                                "Normal RestoreStarted started Job orders-db-restore-restore"))
                    .anyMatch(e -> e.startsWith("Normal RestoreSucceeded restored backup")));

    // A finished restore never runs again, even when its Job is gone.
    client.batch().v1().jobs().inNamespace(NS).withName("orders-db-restore-restore").delete();
    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(job("orders-db-restore")).isNull());
    assertThat(get("orders-db-restore").getStatus().getPhase()).isEqualTo(Phase.Succeeded);
  }

  @Test
  void aFailedRestoreSaysWhyInTheRunnersWords() {
    cluster.create(Fixtures.s3Backup(NS, "billing-db"));
    awaitReady("billing-db", "True");
    client.resource(restore("billing-db-restore", "billing-db", "")).create();

    Job job = awaitJob("billing-db-restore");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    // S3: the bucket's credentials, no volume; the backup's runner image and resources.
    assertThat(pod.getVolumes().stream().filter(v -> v.getSecret() != null))
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactlyInAnyOrder("pg-restore", "s3-creds");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    assertThat(pod.getContainers().getFirst().getImage())
        .isEqualTo("registry.example/dbbackup-runner:1.2.3");
    assertThat(pod.getContainers().getFirst().getResources().getLimits().get("memory"))
        .hasToString("2Gi");

    jobStatus("billing-db-restore", true, null, null);
    awaitPhase("billing-db-restore", Phase.Running);
    podEnded(
        "billing-db-restore",
        7,
        "Error",
        "{\"exitCode\":7,\"message\":\"backup 20261123T013000Z-0b1c does not read back as"
            + " written: SHA-256 differs\"}");
    jobStatus("billing-db-restore", true, "Failed", "BackoffLimitExceeded");

    DatabaseRestoreStatus failed = awaitPhase("billing-db-restore", Phase.Failed);
    assertThat(failed.getMessage())
        .isEqualTo(
            "backup 20261123T013000Z-0b1c does not read back as written: SHA-256 differs (exit"
                + " code 7)");
    assertThat(failed.getConditions().getFirst().getStatus()).isEqualTo("False");
    assertThat(failed.getConditions().getFirst().getReason()).isEqualTo("VerificationFailed");
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(events("billing-db-restore"))
                    .anyMatch(
                        e -> e.startsWith("Warning RestoreFailed backup 20261123T013000Z-0b1c")));
  }

  @Test
  void aRestoreWaitsForItsBackupAndAnInvalidOneNamesTheField() {
    client.resource(restore("early-restore", "later-db", "")).create();
    DatabaseRestoreStatus waiting = awaitPhase("early-restore", Phase.Pending);
    assertThat(waiting.getConditions().getFirst().getReason()).isEqualTo("BackupNotFound");
    assertThat(waiting.getMessage())
        .isEqualTo("DatabaseBackup later-db not found in namespace shop");
    assertThat(job("early-restore")).isNull();
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(events("early-restore"))
                    .anyMatch(e -> e.startsWith("Warning BackupNotFound DatabaseBackup later-db")));

    cluster.create(Fixtures.volumeBackup(NS, "later-db"));
    awaitJob("early-restore");

    client.resource(restore("picky-restore", "later-db", "databases: [shop, template0]")).create();
    // Final: the spec cannot change, so an invalid restore fails and is never started.
    DatabaseRestoreStatus invalid = awaitPhase("picky-restore", Phase.Failed);
    assertThat(invalid.getConditions().getFirst().getStatus()).isEqualTo("False");
    assertThat(invalid.getConditions().getFirst().getReason()).isEqualTo("InvalidSpec");
    assertThat(invalid.getMessage())
        .isEqualTo("spec.databases[1]: template0 is not in a pg_dumpall backup");
    assertThat(job("picky-restore")).isNull();
  }

  @Test
  void aRestoreWaitsForItsSecretsInsteadOfAPodThatCannotStart() {
    cluster.create(Fixtures.volumeBackup(NS, "keyed-db"));
    awaitReady("keyed-db", "True");
    client
        .resource(
            restore(
                "keyed-restore",
                "keyed-db",
                "decryption: {passphraseSecretRef: {name: backup-passphrase, key: passphrase}}"))
        .create();
    DatabaseRestoreStatus waiting = awaitPending("keyed-restore", "SecretNotFound");
    assertThat(waiting.getConditions().getFirst().getReason()).isEqualTo("SecretNotFound");
    assertThat(waiting.getMessage())
        .isEqualTo(
            "spec.decryption.passphraseSecretRef.name: Secret backup-passphrase not found in"
                + " namespace shop");
    assertThat(job("keyed-restore")).isNull();

    cluster.secret(NS, "backup-passphrase", Map.of("passphrase", "correct horse"));
    Job job = awaitJob("keyed-restore");
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(
            v ->
                v.getSecret() != null && v.getSecret().getSecretName().equals("backup-passphrase"));
  }

  @Test
  void aRestoreChecksTheS3CredentialsOfItsBackupToo() {
    cluster.secret(NS, "lost-s3-creds", Map.of("AWS_ACCESS_KEY_ID", "a"));
    DatabaseBackup s3 = Fixtures.s3Backup(NS, "lost-creds-db");
    s3.getSpec().getStorage().getS3().setCredentialsSecretRef(new SecretRef("lost-s3-creds"));
    cluster.create(s3);
    awaitReady("lost-creds-db", "True");
    // Gone after the backup was found valid; the backup's next check is hours away.
    client.secrets().inNamespace(NS).withName("lost-s3-creds").delete();
    client.resource(restore("lost-creds-restore", "lost-creds-db", "")).create();

    DatabaseRestoreStatus waiting = awaitPending("lost-creds-restore", "SecretNotFound");
    assertThat(waiting.getConditions().getFirst().getReason()).isEqualTo("SecretNotFound");
    assertThat(waiting.getMessage())
        .isEqualTo(
            "DatabaseBackup lost-creds-db spec.storage.s3.credentialsSecretRef.name: Secret"
                + " lost-s3-creds not found in namespace shop");
    assertThat(job("lost-creds-restore")).isNull();

    cluster.secret(NS, "lost-s3-creds", Map.of("AWS_ACCESS_KEY_ID", "a"));
    assertThat(awaitJob("lost-creds-restore").getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(
            v -> v.getSecret() != null && v.getSecret().getSecretName().equals("lost-s3-creds"));
  }
}
