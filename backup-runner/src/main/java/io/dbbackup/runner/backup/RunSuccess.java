package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.history.HistoryStatus;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.RunOutcome;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.store.BackupId;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a backup run that succeeded ends: its history row SUCCEEDED (with the warnings of what it
 * could not do), the summary line, and exit code 0.
 */
final class RunSuccess {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class); // the run's lines
  private static final int MAX_WARNING_CHARS = 2000;

  private RunSuccess() {}

  static RunOutcome outcome(
      RunRecord record,
      BackupId id,
      RetentionStep.Result retention,
      RunRecorder recorder,
      Instant now) {
    record = record.finished(BackupPhase.Succeeded, now);
    if (!retention.warnings().isEmpty()) {
      record = record.toBuilder().warning(warningLine(retention.warnings())).build();
    }
    recorder.record(record);
    summary(record, retention);
    return new RunOutcome(
        ExitCode.OK,
        record,
        "backup "
            + id
            + " succeeded"
            + (retention.warnings().isEmpty()
                ? ""
                : " with warnings: " + String.join("; ", retention.warnings())),
        retention.warnings());
  }

  /**
   * The warnings of a run that succeeded, as its history row and the status show them; long lists
   * (many unreadable folders) are cut, the log has them all.
   */
  static String warningLine(List<String> warnings) {
    String line = "warning: " + String.join("; ", warnings);
    return line.length() > MAX_WARNING_CHARS
        ? line.substring(0, MAX_WARNING_CHARS)
            + "... ("
            + warnings.size()
            + " warnings; see the log)"
        : line;
  }

  private static void summary(RunRecord r, RetentionStep.Result retention) {
    double ratio = r.dumpBytes() == 0 ? 0 : 1.0 - (double) r.storedBytes() / r.dumpBytes();
    LOG.atInfo()
        .addKeyValue("event", "summary")
        .addKeyValue("status", HistoryStatus.column(r.status()))
        .addKeyValue("dump_bytes", r.dumpBytes())
        .addKeyValue("stored_bytes", r.storedBytes())
        .addKeyValue("reduction", String.format(Locale.ROOT, "%.1f%%", ratio * 100))
        .addKeyValue("duration_s", String.format(Locale.ROOT, "%.1f", r.durationMs() / 1000.0))
        .addKeyValue("verified", r.verified())
        .addKeyValue("verification", r.verification() == null ? null : r.verification().mode())
        .addKeyValue("verification_rows", r.verification() == null ? null : r.verification().rows())
        .addKeyValue("sha256", r.sha256())
        .addKeyValue("location", r.location())
        .addKeyValue("deleted", retention.deleted().size())
        .addKeyValue("delete_failures", retention.failed())
        .addKeyValue("warnings", retention.warnings().size())
        .log("backup succeeded");
    for (String warning : retention.warnings()) {
      LOG.atWarn().addKeyValue("event", "run_warning").log(warning);
    }
  }
}
