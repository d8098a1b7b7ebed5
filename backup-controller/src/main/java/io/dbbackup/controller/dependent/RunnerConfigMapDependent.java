package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The runner's config: the DatabaseBackup itself (identity and spec, no status) as YAML, the same
 * document a user would pass to {@code backup-runner -f} on a laptop.
 */
public class RunnerConfigMapDependent extends HashedDependent<ConfigMap> {
  /** The key, and so the file name under {@link RunnerContract#CONFIG_DIR}. */
  public static final String KEY = "databasebackup.yaml";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  public RunnerConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap build(DatabaseBackup backup) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(BackupNames.configMap(backup))
        .withNamespace(backup.getMetadata().getNamespace())
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .addToData(KEY, yaml(backup))
        .build();
  }

  /**
   * The resource as the runner reads it: apiVersion, kind, name, namespace, uid, generation, spec.
   */
  public static String yaml(DatabaseBackup backup) {
    DatabaseBackup config = new DatabaseBackup();
    config.setMetadata(
        new ObjectMetaBuilder()
            .withName(backup.getMetadata().getName())
            .withNamespace(backup.getMetadata().getNamespace())
            .withUid(backup.getMetadata().getUid())
            .withGeneration(backup.getMetadata().getGeneration())
            .build());
    config.setSpec(backup.getSpec());
    config.setStatus(null);
    return SERIALIZATION.asYaml(config);
  }
}
