package io.dbbackup.controller;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names, labels and annotations of everything the controller creates for a DatabaseBackup. */
public final class BackupNames {
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "dbbackup-operator";

  /** Selects only what this operator manages; every informer on children uses it. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String RUNNER_COMPONENT = "backup-runner";

  /** Names the DatabaseBackup a child (and every Job and pod of its CronJob) belongs to. */
  public static final String BACKUP_LABEL = "dbbackup.io/backup";

  /** Set by a user to start one run now: any new value starts one Job. */
  public static final String RUN_NOW_ANNOTATION = "dbbackup.io/run-now";

  /** Set by the controller on the DatabaseBackup: the last run-now value it started a Job for. */
  public static final String RUN_NOW_HANDLED_ANNOTATION = "dbbackup.io/run-now-handled";

  /** Hash of a child's desired state, compared instead of the (server-defaulted) object. */
  public static final String DESIRED_HASH_ANNOTATION = "dbbackup.io/desired-hash";

  /** Longest DatabaseBackup name whose CronJob name still fits Kubernetes' 52 characters. */
  public static final int MAX_NAME_LENGTH = 52 - "-backup".length();

  private BackupNames() {}

  public static String cronJob(DatabaseBackup backup) {
    return backup.getMetadata().getName() + "-backup";
  }

  public static String configMap(DatabaseBackup backup) {
    return backup.getMetadata().getName() + "-runner-config";
  }

  /** The runner's ServiceAccount, Role and RoleBinding share this name. */
  public static String runner(DatabaseBackup backup) {
    return backup.getMetadata().getName() + "-runner";
  }

  /** Labels on every child, and on the Jobs and pods of the CronJob. */
  public static Map<String, String> labels(DatabaseBackup backup) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_LABEL, "dbbackup");
    labels.put(COMPONENT_LABEL, RUNNER_COMPONENT);
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(BACKUP_LABEL, backup.getMetadata().getName());
    return labels;
  }
}
