package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;

/**
 * What a runner may do: read and patch its own DatabaseBackup and that one's status (by {@code
 * resourceNames}), and create Events. Nothing else: no Secrets (they are mounted), no listing.
 */
public class RunnerRoleDependent extends HashedDependent<Role> {
  public RunnerRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role build(DatabaseBackup backup) {
    String name = backup.getMetadata().getName();
    return new RoleBuilder()
        .withNewMetadata()
        .withName(BackupNames.runner(backup))
        .withNamespace(backup.getMetadata().getNamespace())
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .addToRules(
            new PolicyRuleBuilder()
                .withApiGroups(DatabaseBackup.GROUP)
                .withResources("databasebackups", "databasebackups/status")
                .withResourceNames(name)
                .withVerbs("get", "patch")
                .build())
        .addToRules(
            new PolicyRuleBuilder()
                .withApiGroups("") // core Events, as RunEvents creates them
                .withResources("events")
                .withVerbs("create")
                .build())
        .build();
  }
}
