package io.dbbackup.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunnerStatusTest {
  static final Instant T0 = Instant.parse("2026-11-24T02:00:00Z");
  static final Instant T1 = Instant.parse("2026-11-24T02:10:00Z");
  static final Instant T2 = Instant.parse("2026-11-25T02:10:00Z");

  static BackupRecord run(String id, BackupPhase phase) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setLocation("/backup/database/shop/orders-db/" + id);
    r.setSize("1.2GiB");
    return r;
  }

  static Condition lastBackupSucceeded(DatabaseBackupStatus s) {
    return Conditions.find(s.getConditions(), DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED)
        .orElseThrow();
  }

  @Test
  void runningRunIsRecordedWithoutTouchingTheCondition() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    RunnerStatus.record(s, run("a", BackupPhase.Running), T0);
    assertThat(s.getLastBackup().getId()).isEqualTo("a");
    assertThat(s.getRecentBackups()).extracting(BackupRecord::getId).containsExactly("a");
    assertThat(s.getConditions()).isEmpty();
    assertThat(s.getLastSuccessfulBackup()).isNull();
  }

  @Test
  void succeededRunReplacesItsRunningEntryAndSetsConditionAndLastSuccess() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    RunnerStatus.record(s, run("a", BackupPhase.Running), T0);
    BackupRecord done = run("a", BackupPhase.Succeeded);
    done.setCompletionTime("2026-11-24T02:09:00Z");
    RunnerStatus.record(s, done, T1);
    assertThat(s.getRecentBackups()).hasSize(1);
    assertThat(s.getRecentBackups().getFirst().getPhase()).isEqualTo(BackupPhase.Succeeded);
    assertThat(s.getLastSuccessfulBackup().getId()).isEqualTo("a");
    assertThat(s.getLastSuccessfulBackup().getCompletionTime()).isEqualTo("2026-11-24T02:09:00Z");
    Condition c = lastBackupSucceeded(s);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("BackupSucceeded");
    assertThat(c.getMessage()).contains("backup a succeeded", "1.2GiB");
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-24T02:10:00Z");
  }

  @Test
  void failureFlipsConditionAndKeepsLastSuccessfulBackup() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    RunnerStatus.record(s, run("a", BackupPhase.Succeeded), T0);
    BackupRecord failed = run("b", BackupPhase.Failed);
    failed.setExitCode(3);
    failed.setMessage("connection refused");
    RunnerStatus.record(s, failed, T1);
    Condition c = lastBackupSucceeded(s);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("DatabaseUnreachable");
    assertThat(c.getMessage()).isEqualTo("backup b failed (exit code 3): connection refused");
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-24T02:10:00Z");
    assertThat(s.getLastSuccessfulBackup().getId()).isEqualTo("a");
    assertThat(s.getRecentBackups()).extracting(BackupRecord::getId).containsExactly("b", "a");
  }

  @Test
  void secondFailureKeepsTheTransitionTime() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    RunnerStatus.record(s, run("a", BackupPhase.Failed), T0);
    RunnerStatus.record(s, run("b", BackupPhase.Failed), T2);
    assertThat(lastBackupSucceeded(s).getLastTransitionTime()).isEqualTo("2026-11-24T02:00:00Z");
    assertThat(lastBackupSucceeded(s).getMessage()).startsWith("backup b failed");
  }

  @Test
  void skippedRunLeavesTheConditionAlone() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    RunnerStatus.record(s, run("a", BackupPhase.Succeeded), T0);
    RunnerStatus.record(s, run("b", BackupPhase.Skipped), T1);
    assertThat(lastBackupSucceeded(s).getStatus()).isEqualTo("True");
    assertThat(s.getLastBackup().getPhase()).isEqualTo(BackupPhase.Skipped);
  }

  @Test
  void keepsTheNewestTenNewestFirst() {
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    for (int i = 0; i < 12; i++) {
      RunnerStatus.record(s, run("r" + i, BackupPhase.Succeeded), T0);
    }
    assertThat(s.getRecentBackups()).hasSize(10);
    assertThat(s.getRecentBackups().getFirst().getId()).isEqualTo("r11");
    assertThat(s.getRecentBackups().getLast().getId()).isEqualTo("r2");
  }
}
