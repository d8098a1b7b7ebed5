package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.VolumeStorageSpec;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job that carries out a DatabaseRestore: the runner's {@code restore} command with the
 * backup's configuration (its runner ConfigMap), the restore as a ConfigMap of its own, the Secrets
 * a restore reads and the backup volume read-only. The pod is "restricted" like the backup runner's
 * and has no ServiceAccount token: a restore needs no API access. It runs once ({@code
 * backoffLimit: 0}): a half-done restore is not retried blindly.
 */
public final class RestoreJob {
  /** Names the DatabaseRestore a Job, its pod and ConfigMap belong to. */
  public static final String RESTORE_LABEL = "dbbackup.io/restore";

  public static final String COMPONENT = "restore";
  public static final String CONTAINER_NAME = "restore";
  public static final String CONFIG_KEY = "databaserestore.yaml";
  static final String RESTORE_DIR = "/etc/dbbackup/restore";
  static final String RESTORE_VOLUME = "restore";

  /** Where Kubernetes takes the container's termination message from; the runner writes it. */
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /** A restore of a large database takes hours; four is the runbook's figure. */
  public static final long ACTIVE_DEADLINE_SECONDS = 4 * 3600L;

  /** Longest DatabaseRestore name: Job names end up in a 63-character pod label. */
  public static final int MAX_NAME_LENGTH = 63 - "-restore".length();

  private RestoreJob() {}

  public static String name(DatabaseRestore restore) {
    return restore.getMetadata().getName() + "-restore";
  }

  /**
   * Labels on the Job, its pod and the ConfigMap. Not {@link BackupNames#BACKUP_LABEL}: the
   * backup's controller takes the Jobs with it for backup runs.
   */
  public static Map<String, String> labels(DatabaseRestore restore) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(BackupNames.NAME_LABEL, "dbbackup");
    labels.put(BackupNames.COMPONENT_LABEL, COMPONENT);
    labels.put(BackupNames.MANAGED_BY_LABEL, BackupNames.MANAGED_BY);
    labels.put(RESTORE_LABEL, restore.getMetadata().getName());
    return labels;
  }

  /** The DatabaseRestore as the runner reads it ({@code --restore FILE}). */
  public static ConfigMap configMap(DatabaseRestore restore) {
    DatabaseRestore copy = new DatabaseRestore();
    copy.setMetadata(
        new ObjectMetaBuilder()
            .withName(restore.getMetadata().getName())
            .withNamespace(restore.getMetadata().getNamespace())
            .build());
    copy.setSpec(restore.getSpec());
    copy.setStatus(null);
    return new ConfigMapBuilder()
        .withMetadata(meta(restore))
        .addToData(CONFIG_KEY, Serialization.asYaml(copy))
        .build();
  }

  public static Job build(DatabaseRestore restore, DatabaseBackup backup, String defaultImage) {
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes(restore, backup, volumes, mounts);
    return new JobBuilder()
        .withMetadata(meta(restore))
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(ACTIVE_DEADLINE_SECONDS)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(restore))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(RunnerPodTemplate.podSecurityContext())
        .withContainers(container(backup, defaultImage, mounts))
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The backup's runner config, the restore's own, {@code /tmp}, the Secrets a restore reads and
   * the backup volume read-only.
   */
  private static void volumes(
      DatabaseRestore restore,
      DatabaseBackup backup,
      List<Volume> volumes,
      List<VolumeMount> mounts) {
    volumes.add(configMapVolume(RunnerPodTemplate.CONFIG_VOLUME, BackupNames.configMap(backup)));
    mounts.add(RunnerPodTemplate.mount(RunnerPodTemplate.CONFIG_VOLUME, RunnerContract.CONFIG_DIR));
    volumes.add(configMapVolume(RESTORE_VOLUME, name(restore)));
    mounts.add(RunnerPodTemplate.mount(RESTORE_VOLUME, RESTORE_DIR));
    volumes.add(
        new VolumeBuilder()
            .withName(RunnerPodTemplate.TMP_VOLUME)
            .withNewEmptyDir()
            .endEmptyDir()
            .build());
    mounts.add(
        new VolumeMountBuilder()
            .withName(RunnerPodTemplate.TMP_VOLUME)
            .withMountPath("/tmp")
            .build());
    SecretMounts.add(SecretMounts.referenced(restore.getSpec(), backup), volumes, mounts);
    VolumeStorageSpec storage = backup.getSpec().getStorage().getVolume();
    if (storage != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(RunnerPodTemplate.STORAGE_VOLUME)
              .withNewPersistentVolumeClaim()
              .withClaimName(storage.getClaimName())
              .withReadOnly(true)
              .endPersistentVolumeClaim()
              .build());
      mounts.add(RunnerPodTemplate.mount(RunnerPodTemplate.STORAGE_VOLUME, storage.getPath()));
    }
  }

  private static Volume configMapVolume(String volume, String configMap) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewConfigMap()
        .withName(configMap)
        .withDefaultMode(0444)
        .endConfigMap()
        .build();
  }

  /** The runner's restore command; its outcome is the termination message. */
  private static Container container(
      DatabaseBackup backup, String defaultImage, List<VolumeMount> mounts) {
    return new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(RunnerPodTemplate.image(backup.getSpec(), defaultImage))
        .withImagePullPolicy("IfNotPresent")
        .withArgs(
            "restore",
            "-f",
            RunnerContract.CONFIG_FILE,
            "--restore",
            RESTORE_DIR + "/" + CONFIG_KEY,
            "--secrets-dir",
            RunnerContract.SECRETS_DIR,
            "--result-file",
            TERMINATION_LOG)
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withResources(RunnerPodTemplate.resources(backup.getSpec()))
        .withSecurityContext(RunnerPodTemplate.containerSecurityContext())
        .withVolumeMounts(mounts)
        .build();
  }

  private static ObjectMeta meta(DatabaseRestore restore) {
    return new ObjectMetaBuilder()
        .withName(name(restore))
        .withNamespace(restore.getMetadata().getNamespace())
        .withLabels(labels(restore))
        .withOwnerReferences(owner(restore))
        .build();
  }

  private static OwnerReference owner(DatabaseRestore restore) {
    return new OwnerReferenceBuilder()
        .withApiVersion(restore.getApiVersion())
        .withKind(restore.getKind())
        .withName(restore.getMetadata().getName())
        .withUid(restore.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
