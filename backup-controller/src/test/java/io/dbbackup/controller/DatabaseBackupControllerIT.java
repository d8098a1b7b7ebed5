package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.dependent.RunnerContract;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** apply, change and suspend a DatabaseBackup; the children and the status follow. */
class DatabaseBackupControllerIT extends ControllerTestBase {
  @Test
  void appliedBackupGetsCronJobConfigMapAndRunnerRbac() {
    DatabaseBackup created = cluster.create(Fixtures.volumeBackup(NS, "orders-db"));
    awaitReady("orders-db", "True");

    CronJob cron = cronJob("orders-db");
    assertThat(cron.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    var spec = cron.getSpec();
    assertThat(spec.getSchedule()).isEqualTo("0 2 * * *");
    assertThat(spec.getTimeZone()).isEqualTo("Asia/Tokyo");
    assertThat(spec.getSuspend()).isFalse();
    assertThat(spec.getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(spec.getStartingDeadlineSeconds()).isEqualTo(3600L);
    assertThat(spec.getSuccessfulJobsHistoryLimit()).isEqualTo(3);
    assertThat(spec.getFailedJobsHistoryLimit()).isEqualTo(3);
    var job = spec.getJobTemplate().getSpec();
    assertThat(job.getActiveDeadlineSeconds()).isEqualTo(120 * 60L);
    assertThat(job.getBackoffLimit()).isEqualTo(2);
    assertThat(spec.getJobTemplate().getMetadata().getLabels())
        .containsEntry(BackupNames.BACKUP_LABEL, "orders-db")
        .containsEntry(BackupNames.MANAGED_BY_LABEL, BackupNames.MANAGED_BY);

    PodSpec pod = job.getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getServiceAccountName()).isEqualTo("orders-db-runner");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo(TestConfig.RUNNER_IMAGE);
    assertThat(c.getArgs())
        .containsExactly(
            "backup",
            "-f",
            "/etc/dbbackup/config/databasebackup.yaml",
            "--secrets-dir",
            "/var/run/dbbackup/secrets",
            "--report-status");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getResources().getLimits())
        .containsEntry("memory", new Quantity("1Gi"))
        .containsEntry("cpu", new Quantity("500m"));
    assertThat(c.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly(
            "DBBACKUP_JOB_NAME=metadata.labels['batch.kubernetes.io/job-name']",
            "DBBACKUP_POD_NAME=metadata.name");
    assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValue()).isNull());
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly(
            "/etc/dbbackup/config:true",
            "/tmp:null",
            "/var/run/dbbackup/secrets/pg-backup:true",
            "/backup/database:null");
    var secretVolume =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(secretVolume.getSecret().getSecretName()).isEqualTo("pg-backup");
    assertThat(secretVolume.getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(secretVolume.getSecret().getItems()).extracting("key").containsExactly("password");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .singleElement()
        .satisfies(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("backups"));

    ConfigMap config =
        client.configMaps().inNamespace(NS).withName("orders-db-runner-config").get();
    DatabaseBackup given =
        Serialization.unmarshal(
            config
                .getData()
                .get(RunnerContract.CONFIG_FILE.substring(RunnerContract.CONFIG_DIR.length() + 1)),
            DatabaseBackup.class);
    assertThat(given.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
    assertThat(given.getMetadata().getGeneration())
        .isEqualTo(created.getMetadata().getGeneration());
    assertThat(given.getSpec().getDatabase().getHost()).isEqualTo("pg.shop.svc");
    assertThat(config.getData().get("databasebackup.yaml")).doesNotContain("status");

    assertThat(client.serviceAccounts().inNamespace(NS).withName("orders-db-runner").get())
        .extracting(ServiceAccount::getMetadata)
        .satisfies(m -> assertThat(m.getOwnerReferences()).hasSize(1));
    Role role = client.rbac().roles().inNamespace(NS).withName("orders-db-runner").get();
    assertThat(role.getRules()).hasSize(2);
    assertThat(role.getRules().get(0).getResources())
        .containsExactly("databasebackups", "databasebackups/status");
    assertThat(role.getRules().get(0).getResourceNames()).containsExactly("orders-db");
    assertThat(role.getRules().get(0).getVerbs()).containsExactly("get", "patch");
    assertThat(role.getRules().get(1).getApiGroups()).containsExactly("");
    assertThat(role.getRules().get(1).getVerbs()).containsExactly("create");
    assertThat(role.getRules().get(1).getResourceNames()).isEmpty();
    RoleBinding binding =
        client.rbac().roleBindings().inNamespace(NS).withName("orders-db-runner").get();
    assertThat(binding.getRoleRef().getName()).isEqualTo("orders-db-runner");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("orders-db-runner"));

    DatabaseBackup b = backup("orders-db");
    assertThat(ready(b).getReason()).isEqualTo("Reconciled");
    Instant next = Instant.parse(b.getStatus().getNextScheduleTime());
    assertThat(next.atZone(ZoneId.of("Asia/Tokyo")).getHour()).isEqualTo(2);
    assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofDays(1)));
  }

  @Test
  void s3BackupMountsEveryReferencedSecretAndUsesTheSpecsImageAndResources() {
    cluster.create(Fixtures.s3Backup(NS, "s3-db"));
    awaitReady("s3-db", "True");
    var job = cronJob("s3-db").getSpec().getJobTemplate().getSpec();
    assertThat(job.getActiveDeadlineSeconds()).isEqualTo(90 * 60L);
    assertThat(job.getBackoffLimit()).isEqualTo(1);
    Container c = job.getTemplate().getSpec().getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo("registry.example/dbbackup-runner:1.2.3");
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactly(
            "/etc/dbbackup/config",
            "/tmp",
            "/var/run/dbbackup/secrets/pg-backup",
            "/var/run/dbbackup/secrets/s3-creds",
            "/var/run/dbbackup/secrets/backup-pubkeys");
    assertThat(job.getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("s3-creds"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getItems()).isEmpty());
  }

  @Test
  void specChangeUpdatesTheCronJobAndObservedGeneration() {
    cluster.create(Fixtures.volumeBackup(NS, "change-db"));
    awaitReady("change-db", "True");
    edit(
        "change-db",
        b -> {
          b.getSpec().setSchedule("15 3 * * 1");
          b.getSpec().setTimeZone(null);
          b.getSpec().setRetries(5);
          return b;
        });
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              CronJob cron = cronJob("change-db");
              assertThat(cron.getSpec().getSchedule()).isEqualTo("15 3 * * 1");
              assertThat(cron.getSpec().getTimeZone()).isNull();
              assertThat(cron.getSpec().getJobTemplate().getSpec().getBackoffLimit()).isEqualTo(5);
            });
    awaitReady("change-db", "True");
    assertThat(backup("change-db").getStatus().getObservedGeneration()).isEqualTo(2L);
    ConfigMap config =
        client.configMaps().inNamespace(NS).withName("change-db-runner-config").get();
    assertThat(config.getData().get("databasebackup.yaml"))
        .contains("15 3 * * 1")
        .contains("generation: 2");
  }

  @Test
  void suspendSuspendsTheCronJobAndClearsNextScheduleTime() {
    cluster.create(Fixtures.volumeBackup(NS, "pause-db"));
    awaitReady("pause-db", "True");
    assertThat(backup("pause-db").getStatus().getNextScheduleTime()).isNotNull();
    edit(
        "pause-db",
        b -> {
          b.getSpec().setSuspend(true);
          return b;
        });
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              assertThat(cronJob("pause-db").getSpec().getSuspend()).isTrue();
              DatabaseBackup b = backup("pause-db");
              assertThat(ready(b).getReason()).isEqualTo("Suspended");
              assertThat(b.getStatus().getNextScheduleTime()).isNull();
            });
  }
}
