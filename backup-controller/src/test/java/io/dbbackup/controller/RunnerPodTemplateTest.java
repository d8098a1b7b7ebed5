package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.EncryptionSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.controller.dependent.BackupCronJobDependent;
import io.dbbackup.controller.dependent.RunnerPodTemplate;
import io.dbbackup.controller.dependent.SecretMounts;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunnerPodTemplateTest {

  @Test
  void keyReferencesToOneSecretShareAVolumeWithOnlyThoseKeys() {
    var backup = Fixtures.volumeBackup("shop", "db");
    EncryptionSpec encryption = new EncryptionSpec();
    encryption.setPassphraseSecretRef(new SecretKeyRef("pg-backup", "passphrase"));
    backup.getSpec().setEncryption(encryption);
    assertThat(SecretMounts.referenced(backup.getSpec()))
        .containsExactly(java.util.Map.entry("pg-backup", Set.of("passphrase", "password")));
    var pod = RunnerPodTemplate.build(backup, "img").getSpec();
    Volume secret =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(secret.getSecret().getItems())
        .extracting("key")
        .containsExactly("passphrase", "password");
  }

  @Test
  void aWholeSecretReferenceWinsOverAKeyReference() {
    var backup = Fixtures.s3Backup("shop", "db");
    backup.getSpec().getStorage().getS3().getCredentialsSecretRef().setName("pg-backup");
    assertThat(SecretMounts.referenced(backup.getSpec()).get("pg-backup")).isEmpty();
  }

  @Test
  void dottedSecretNamesGetAValidVolumeName() {
    var backup = Fixtures.volumeBackup("shop", "db");
    backup.getSpec().getDatabase().getPasswordSecretRef().setName("pg.backup.credentials");
    var pod = RunnerPodTemplate.build(backup, "img").getSpec();
    Volume secret =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(secret.getName())
        .matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        .hasSizeLessThanOrEqualTo(63);
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m ->
                assertThat(m.getMountPath())
                    .isEqualTo("/var/run/dbbackup/secrets/pg.backup.credentials"));
  }

  @Test
  void theCronJobRetriesNothingAnExitCodeSaysIsHopeless() {
    var job =
        new TestableCronJob()
            .desiredFor(Fixtures.volumeBackup("shop", "db"))
            .getSpec()
            .getJobTemplate()
            .getSpec();
    var rules = job.getPodFailurePolicy().getRules();
    assertThat(rules).extracting("action").containsExactly("Ignore", "FailJob");
    assertThat(rules.get(1).getOnExitCodes().getValues()).containsExactly(2, 8, 9, 10);
  }

  @Test
  void anUnknownHostAndARefusedLoginAreNotRetriedButAnUnreachableServerIs() {
    var job =
        new TestableCronJob()
            .desiredFor(Fixtures.volumeBackup("shop", "db"))
            .getSpec()
            .getJobTemplate()
            .getSpec();
    var failJob = job.getPodFailurePolicy().getRules().get(1).getOnExitCodes();
    // The runner exits 2 for an unknown host or database, 10 for a refused login: the Job fails
    // at once; 3 (refused, no answer, starting up) is what a retry can heal.
    assertThat(failJob.getOperator()).isEqualTo("In");
    assertThat(failJob.getValues())
        .contains(
            io.dbbackup.api.status.RunnerExit.INVALID_CONFIG.code(),
            io.dbbackup.api.status.RunnerExit.PERMISSION_DENIED.code())
        .doesNotContain(io.dbbackup.api.status.RunnerExit.DATABASE_UNREACHABLE.code());
  }

  @Test
  void noSecretEverTravelsInArgsOrEnv() {
    var backup = Fixtures.s3Backup("shop", "db");
    var container = RunnerPodTemplate.build(backup, "img").getSpec().getContainers().getFirst();
    assertThat(container.getEnv()).allSatisfy(e -> assertThat(e.getValue()).isNull());
    assertThat(container.getEnvFrom()).isEmpty();
    assertThat(String.join(" ", container.getArgs()))
        .doesNotContain("pg-backup", "s3-creds", "password");
  }

  @Test
  void verificationByRestoreGetsAScratchEmptyDirSizedFromTheLastBackupOrTheSpec() {
    var backup = Fixtures.volumeBackup("shop", "db");
    var checksum = RunnerPodTemplate.build(backup, "img").getSpec();
    assertThat(checksum.getVolumes()).extracting("name").doesNotContain("verify-scratch");

    backup
        .getSpec()
        .getVerification()
        .setMode(io.dbbackup.api.v1alpha1.VerificationSpec.Mode.RESTORE);
    var first = RunnerPodTemplate.build(backup, "img").getSpec();
    var volume =
        first.getVolumes().stream().filter(v -> v.getName().equals("verify-scratch")).findFirst();
    assertThat(volume).isPresent();
    assertThat(volume.get().getEmptyDir().getSizeLimit()).as("no backup yet: no limit").isNull();
    assertThat(first.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("verify-scratch");
              assertThat(m.getMountPath()).isEqualTo("/var/lib/dbbackup-scratch");
            });

    // 1 GiB stored: 5 GiB + 256 MiB needed, 8Gi the next power of two.
    var status = new io.dbbackup.api.v1alpha1.DatabaseBackupStatus();
    var last = new io.dbbackup.api.v1alpha1.BackupRecord();
    last.setStoredBytes(1L << 30);
    status.setLastBackup(last);
    backup.setStatus(status);
    assertThat(RunnerPodTemplate.scratchSizeLimit(backup))
        .isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("8Gi"));

    var runner = new io.dbbackup.api.v1alpha1.RunnerSpec();
    runner.setScratchSizeLimit(new io.fabric8.kubernetes.api.model.Quantity("20Gi"));
    backup.getSpec().setRunner(runner);
    var set = RunnerPodTemplate.build(backup, "img").getSpec();
    assertThat(
            set.getVolumes().stream()
                .filter(v -> v.getName().equals("verify-scratch"))
                .findFirst()
                .orElseThrow()
                .getEmptyDir()
                .getSizeLimit())
        .isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("20Gi"));
  }

  /** Exposes the CronJob a spec yields. */
  static final class TestableCronJob extends BackupCronJobDependent {
    TestableCronJob() {
      super("img");
    }

    io.fabric8.kubernetes.api.model.batch.v1.CronJob desiredFor(
        io.dbbackup.api.v1alpha1.DatabaseBackup b) {
      return build(b);
    }
  }
}
