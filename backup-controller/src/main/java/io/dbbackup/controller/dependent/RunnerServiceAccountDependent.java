package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** The runner pods' own identity, one per DatabaseBackup. */
public class RunnerServiceAccountDependent extends HashedDependent<ServiceAccount> {
  public RunnerServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount build(DatabaseBackup backup) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(BackupNames.runner(backup))
        .withNamespace(backup.getMetadata().getNamespace())
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .build();
  }
}
