package io.dbbackup.runner.run;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.history.AuditChain;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.RecordedHeads;
import io.dbbackup.runner.history.SqlHistory;
import io.dbbackup.runner.history.StorageDescription;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit chain at the start of each run: a re-created backup_audit gets its CHAIN_RESTARTED row,
 * the chain is checked against the heads recorded in the store, and a broken or restarted chain is
 * a warning on the run's recorder, never a failure.
 */
final class StartOfRunChainCheck {
  // Logged as the session: the log lines are the ones RunSession wrote.
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

  private StartOfRunChainCheck() {}

  static void check(
      BackupConfig config,
      SqlHistory history,
      BackupStore store,
      String currentId,
      Instant now,
      RunRecorder recorder) {
    List<AuditChain.RecordedHead> recorded = recordedHeads(store);
    if (history.auditRecreated()) {
      restart(config, history, recorded, currentId, now);
    }
    warn(history.checkChain(recorded), recorder);
  }

  private static List<AuditChain.RecordedHead> recordedHeads(BackupStore store) {
    try {
      return RecordedHeads.read(store);
    } catch (IOException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "audit_heads_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("the audit chain heads recorded in the store could not be read");
      return List.of();
    }
  }

  /** The CHAIN_RESTARTED row of a re-created backup_audit, naming the last head recorded. */
  private static void restart(
      BackupConfig config,
      SqlHistory history,
      List<AuditChain.RecordedHead> recorded,
      String currentId,
      Instant now) {
    String last =
        recorded.stream()
            .filter(r -> r.recordedAt() != null)
            .max(Comparator.comparing(AuditChain.RecordedHead::recordedAt))
            .map(r -> r.head() + " (in " + r.source() + ")")
            .orElse("none");
    String reason =
        "backup_audit was missing (dropped) and has been re-created; the chain restarts here;"
            + " the last head recorded outside the database was "
            + last;
    history.audit(
        new AuditEntry(
            now,
            config.namespace(),
            config.name(),
            AuditEntry.CHAIN_RESTARTED,
            currentId,
            StorageDescription.of(config.spec().getStorage()),
            null,
            reason));
    LOG.atWarn().addKeyValue("event", "audit_chain_restarted").log(reason);
  }

  private static void warn(AuditChain.Report report, RunRecorder recorder) {
    AuditChain.Problem first = report.firstOpen();
    if (first != null) {
      recorder.warn(
          HistoryHealth.AUDIT_CHAIN_BROKEN,
          "the audit chain is broken at seq "
              + first.seq()
              + ": "
              + first.why()
              + " ("
              + report.open().size()
              + " problem(s); see backup-runner audit verify)");
    }
    if (report.unacknowledgedRestart()) {
      recorder.warn(
          HistoryHealth.AUDIT_CHAIN_RESTARTED,
          "the audit chain was restarted at seq "
              + report.restartSeq()
              + ": "
              + report.restartReason()
              + " (acknowledge with backup-runner audit acknowledge)");
    }
  }
}
