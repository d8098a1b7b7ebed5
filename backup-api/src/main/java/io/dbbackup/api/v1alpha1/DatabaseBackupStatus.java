package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Observed state. Two writers share it: the controller owns {@code Ready}, the schedule times and
 * {@code observedGeneration}; the runner owns the backup fields and {@code LastBackupSucceeded}.
 * Each patches only its own part.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseBackupStatus {
  public static final String CONDITION_READY = "Ready";
  public static final String CONDITION_LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";
  public static final String CONDITION_HISTORY_HEALTHY = "HistoryHealthy";
  public static final int RECENT_BACKUPS_KEPT = 10;

  @JsonPropertyDescription("The metadata.generation the controller last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready and LastBackupSucceeded, in the metav1.Condition shape.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the next scheduled run starts (RFC 3339).")
  private String nextScheduleTime;

  @JsonPropertyDescription("When the last scheduled run started (RFC 3339).")
  private String lastScheduleTime;

  @JsonPropertyDescription("The latest run, whatever its result.")
  private BackupRecord lastBackup;

  @JsonPropertyDescription("The latest good backup.")
  private BackupRef lastSuccessfulBackup;

  @JsonPropertyDescription("The last 10 runs, newest first.")
  private List<BackupRecord> recentBackups = new ArrayList<>();

  @JsonPropertyDescription(
      "The newest backup_audit row after the last run (<seq>:<row_hash>): a copy of the audit"
          + " chain's head outside the database.")
  private String auditChainHead;

  @JsonPropertyDescription(
      "What the controller has sent (newest first, bounded), so a restart or a new leader does"
          + " not send it again.")
  private List<NotificationRecord> notifications = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public BackupRecord getLastBackup() {
    return lastBackup;
  }

  public void setLastBackup(BackupRecord lastBackup) {
    this.lastBackup = lastBackup;
  }

  public BackupRef getLastSuccessfulBackup() {
    return lastSuccessfulBackup;
  }

  public void setLastSuccessfulBackup(BackupRef lastSuccessfulBackup) {
    this.lastSuccessfulBackup = lastSuccessfulBackup;
  }

  public List<BackupRecord> getRecentBackups() {
    return recentBackups;
  }

  public void setRecentBackups(List<BackupRecord> recentBackups) {
    this.recentBackups = recentBackups;
  }

  public String getAuditChainHead() {
    return auditChainHead;
  }

  public void setAuditChainHead(String auditChainHead) {
    this.auditChainHead = auditChainHead;
  }

  public List<NotificationRecord> getNotifications() {
    return notifications;
  }

  public void setNotifications(List<NotificationRecord> notifications) {
    this.notifications = notifications;
  }
}
