package io.dbbackup.api.status;

import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import java.util.List;
import java.util.Set;

/**
 * The two writers of a DatabaseBackup's status and the fields each owns. A writer patches only its
 * own fields and condition types, so neither overwrites the other with a stale value.
 */
public enum StatusPart implements StatusOwner {
  /** The controller: readiness, the schedule as the cluster sees it, and what it has notified. */
  CONTROLLER(
      List.of("observedGeneration", "nextScheduleTime", "lastScheduleTime", "notifications"),
      Set.of(DatabaseBackupStatus.CONDITION_READY)),

  /** The runner (and the controller on the runner's behalf when a Job died without reporting). */
  RUNNER(
      List.of("lastBackup", "lastSuccessfulBackup", "recentBackups", "auditChainHead"),
      Set.of(
          DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED,
          DatabaseBackupStatus.CONDITION_HISTORY_HEALTHY));

  private final List<String> fields;
  private final Set<String> conditionTypes;

  StatusPart(List<String> fields, Set<String> conditionTypes) {
    this.fields = fields;
    this.conditionTypes = conditionTypes;
  }

  /** The JSON names of the status fields this writer owns (conditions excluded). */
  @Override
  public List<String> fields() {
    return fields;
  }

  /** The condition types this writer owns. */
  @Override
  public Set<String> conditionTypes() {
    return conditionTypes;
  }

  /** Whether this writer owns conditions of {@code type}. */
  @Override
  public boolean ownsCondition(String type) {
    return conditionTypes.contains(type);
  }
}
