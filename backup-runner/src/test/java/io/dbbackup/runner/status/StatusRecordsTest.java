package io.dbbackup.runner.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.runner.history.RunRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** status.lastBackup.verification and the Verified column's verifiedBy. */
class StatusRecordsTest {
  static RunRecord run(boolean verified, RunRecord.Verification v, BackupPhase status) {
    Instant start = Instant.parse("2026-12-03T02:00:00Z");
    return RunRecord.builder()
        .backupId("20261203T020000Z-abcd")
        .resource("shop", "orders-db")
        .type("full")
        .startedAt(start)
        .output(100, 50, "a".repeat(64), verified)
        .verification(v)
        .build()
        .finished(status, start.plusSeconds(30));
  }

  @Test
  void aBackupVerifiedByRestoreShowsRestoreAndItsCounts() {
    BackupRecord b =
        StatusRecords.of(
            run(
                true,
                new RunRecord.Verification("restore", "storage", "passed", 3, 12, 4000L, 2.5),
                BackupPhase.Succeeded),
            "job");
    assertThat(b.getVerifiedBy()).isEqualTo("restore");
    assertThat(b.getVerification().getSource()).isEqualTo("storage");
    assertThat(b.getVerification().getResult()).isEqualTo("passed");
    assertThat(b.getVerification().getTables()).isEqualTo(12);
    assertThat(b.getVerification().getRows()).isEqualTo(4000L);
  }

  @Test
  void aFailedRestoreShowsNothingInTheColumnAndFailedInTheRecord() {
    BackupRecord b =
        StatusRecords.of(
            run(
                false,
                new RunRecord.Verification("restore", "storage", "failed", 3, 12, 4000L, 2.5),
                BackupPhase.Failed),
            "job");
    assertThat(b.getVerifiedBy()).isNull();
    assertThat(b.getVerification().getResult()).isEqualTo("failed");
    BackupRecord checksum =
        StatusRecords.of(
            run(
                true,
                new RunRecord.Verification("checksum", null, "passed", null, null, null, null),
                BackupPhase.Succeeded),
            "job");
    assertThat(checksum.getVerifiedBy()).isEqualTo("checksum");
    BackupRecord off =
        StatusRecords.of(
            run(
                false,
                new RunRecord.Verification("none", null, null, null, null, null, null),
                BackupPhase.Succeeded),
            "job");
    assertThat(off.getVerifiedBy()).isNull();
  }
}
