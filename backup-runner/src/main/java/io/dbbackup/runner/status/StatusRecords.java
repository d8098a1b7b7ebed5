package io.dbbackup.runner.status;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.Sizes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A history record as the resource's status shows it ({@code status.lastBackup}). */
public final class StatusRecords {
  private StatusRecords() {}

  public static BackupRecord of(RunRecord r, String jobName) {
    BackupRecord b = new BackupRecord();
    b.setId(r.backupId());
    b.setPhase(r.status());
    b.setStartTime(rfc3339(r.startedAt()));
    b.setCompletionTime(rfc3339(r.finishedAt()));
    b.setDurationSeconds(r.durationMs() == null ? null : r.durationMs() / 1000);
    b.setDumpBytes(r.dumpBytes());
    b.setStoredBytes(r.storedBytes());
    b.setReferencedBytes(r.referencedBytes());
    b.setSize(r.storedBytes() == null ? null : Sizes.human(r.storedBytes()));
    b.setSha256(r.sha256());
    b.setLocation(r.location());
    b.setVerified(r.verified());
    RunRecord.Verification v = r.verification();
    if (v != null) {
      if (Boolean.TRUE.equals(r.verified()) && !"none".equals(v.mode())) {
        b.setVerifiedBy(v.mode());
      }
      io.dbbackup.api.v1alpha1.VerificationRecord vr =
          new io.dbbackup.api.v1alpha1.VerificationRecord();
      vr.setMode(v.mode());
      vr.setSource(v.source());
      vr.setResult(v.result());
      vr.setDatabases(v.databases());
      vr.setTables(v.tables());
      vr.setRows(v.rows());
      vr.setDurationSeconds(v.durationSeconds());
      b.setVerification(vr);
    }
    if (r.status() == BackupPhase.Succeeded) {
      b.setExitCode(0);
    } else if (r.errorCode() != null) {
      b.setExitCode(r.errorCode());
    }
    b.setMessage(r.errorMessage());
    b.setJobName(jobName);
    return b;
  }

  private static String rfc3339(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
