package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.VolumeStorageSpec;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner pod: the fixed runner contract, Pod Security Standard "restricted", the config, each
 * referenced Secret read-only, the backup volume, and the seed's resource limits.
 */
public final class RunnerPodTemplate {
  /** BATCH-101 section 8: memory limit 1Gi, cpu limit 500m; memory request = limit. */
  static final ResourceRequirements DEFAULT_RESOURCES =
      new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("1Gi"))
          .addToLimits("cpu", new Quantity("500m"))
          .addToLimits("memory", new Quantity("1Gi"))
          .build();

  static final String CONFIG_VOLUME = "config";
  static final String TMP_VOLUME = "tmp";
  static final String STORAGE_VOLUME = "backup-storage";

  static final String SCRATCH_VOLUME = "verify-scratch";

  /** Where the runner puts the scratch cluster of verification by restore (ScratchCluster). */
  static final String SCRATCH_DIR = "/var/lib/dbbackup-scratch";

  private RunnerPodTemplate() {}

  static boolean restoreVerification(DatabaseBackup backup) {
    var spec = backup.getSpec();
    return spec.isVerify()
        && spec.getVerification() != null
        && spec.getVerification().getMode()
            == io.dbbackup.api.v1alpha1.VerificationSpec.Mode.RESTORE;
  }

  /**
   * spec.runner.scratchSizeLimit; else 5x the last backup's stored size plus 256Mi (the runner's
   * space check), rounded up to a power of two GiB so the CronJob does not change with every run;
   * else (no backup yet) none.
   */
  public static Quantity scratchSizeLimit(DatabaseBackup backup) {
    var runner = backup.getSpec().getRunner();
    if (runner != null && runner.getScratchSizeLimit() != null) {
      return runner.getScratchSizeLimit();
    }
    var status = backup.getStatus();
    Long stored =
        status == null || status.getLastBackup() == null
            ? null
            : status.getLastBackup().getStoredBytes();
    if (stored == null || stored <= 0) {
      return null;
    }
    double needed = stored * 5.0 + (256L << 20);
    long gib = 1;
    while (gib < 1L << 20 && gib * (double) (1L << 30) < needed) {
      gib *= 2;
    }
    return new Quantity(gib + "Gi");
  }

  /**
   * The pod template for {@code backup}, running {@code defaultImage} unless the spec names one.
   */
  public static PodTemplateSpec build(DatabaseBackup backup, String defaultImage) {
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(BackupNames.configMap(backup))
            .withDefaultMode(0444)
            .endConfigMap()
            .build());
    mounts.add(mount(CONFIG_VOLUME, RunnerContract.CONFIG_DIR));
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build());
    if (restoreVerification(backup)) {
      // The scratch PostgreSQL of verification by restore, where the runner looks for it.
      var scratch = new VolumeBuilder().withName(SCRATCH_VOLUME).withNewEmptyDir();
      Quantity limit = scratchSizeLimit(backup);
      if (limit != null) {
        scratch = scratch.withSizeLimit(limit);
      }
      volumes.add(scratch.endEmptyDir().build());
      mounts.add(mount(SCRATCH_VOLUME, SCRATCH_DIR));
    }
    SecretMounts.add(backup.getSpec(), volumes, mounts);
    VolumeStorageSpec storage = backup.getSpec().getStorage().getVolume();
    if (storage != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(STORAGE_VOLUME)
              .withNewPersistentVolumeClaim()
              .withClaimName(storage.getClaimName())
              .endPersistentVolumeClaim()
              .build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(STORAGE_VOLUME)
              .withMountPath(storage.getPath())
              .build());
    }
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(BackupNames.runner(backup))
        .withAutomountServiceAccountToken(true)
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withSecurityContext(podSecurityContext())
        .withContainers(container(backup.getSpec(), defaultImage, mounts))
        .withVolumes(volumes)
        .endSpec()
        .build();
  }

  private static Container container(
      DatabaseBackupSpec spec, String defaultImage, List<VolumeMount> mounts) {
    return new ContainerBuilder()
        .withName(RunnerContract.CONTAINER_NAME)
        .withImage(image(spec, defaultImage))
        .withImagePullPolicy("IfNotPresent")
        .withArgs(RunnerContract.ARGS)
        .withEnv(
            fieldRef(
                RunnerContract.ENV_JOB_NAME,
                "metadata.labels['" + RunnerContract.JOB_NAME_LABEL + "']"),
            fieldRef(RunnerContract.ENV_POD_NAME, "metadata.name"))
        .withResources(resources(spec))
        .withSecurityContext(containerSecurityContext())
        .withVolumeMounts(mounts)
        .build();
  }

  /** The runner image: spec.runner.image, else the operator's default. */
  static String image(DatabaseBackupSpec spec, String defaultImage) {
    return spec.getRunner() != null
            && spec.getRunner().getImage() != null
            && !spec.getRunner().getImage().isBlank()
        ? spec.getRunner().getImage()
        : defaultImage;
  }

  /** spec.runner.resources, else the seed's limits. */
  static ResourceRequirements resources(DatabaseBackupSpec spec) {
    return spec.getRunner() != null && spec.getRunner().getResources() != null
        ? spec.getRunner().getResources()
        : DEFAULT_RESOURCES;
  }

  /** Pod Security Standard "restricted": a fixed non-root user, RuntimeDefault seccomp. */
  static PodSecurityContext podSecurityContext() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(RunnerContract.RUNNER_UID)
        .withRunAsGroup(RunnerContract.RUNNER_UID)
        .withFsGroup(RunnerContract.RUNNER_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /** No privilege escalation, no capabilities, a read-only root file system. */
  static SecurityContext containerSecurityContext() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }
}
