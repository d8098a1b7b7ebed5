package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;

/** Grants the runner Role to the runner ServiceAccount, and to nobody else. */
public class RunnerRoleBindingDependent extends HashedDependent<RoleBinding> {
  public RunnerRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding build(DatabaseBackup backup) {
    String runner = BackupNames.runner(backup);
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(runner)
        .withNamespace(backup.getMetadata().getNamespace())
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(runner)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(runner)
        .withNamespace(backup.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
