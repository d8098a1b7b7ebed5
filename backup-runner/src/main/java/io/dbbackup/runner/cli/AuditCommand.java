package io.dbbackup.runner.cli;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.AuditChain;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.RecordedHeads;
import io.dbbackup.runner.history.SqlHistory;
import io.dbbackup.runner.history.StorageDescription;
import io.dbbackup.runner.store.BackupStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify | acknowledge}: the backup_audit chain on demand. */
@Command(
    name = "audit",
    description = "Check or acknowledge the backup_audit hash chain.",
    mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.Verify.class, AuditCommand.Acknowledge.class})
public final class AuditCommand {
  /** {@code audit verify}: checks every row and the heads recorded outside the database. */
  @Command(
      name = "verify",
      description = {
        "Check the audit chain: every row's payload against its columns, its row_hash, its link to"
            + " the previous row, and that the heads recorded in the store's manifests and state"
            + " are still in the chain (deleted newest rows).",
        "Exit 0 when intact (breaks before an ACKNOWLEDGED row are listed as acknowledged),"
            + " 7 when broken or restarted without acknowledgement, 3 when the history database"
            + " is unreachable, 2 when history is off."
      },
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      BackupConfig config = options.load();
      PrintWriter out = spec.commandLine().getOut();
      List<AuditChain.RecordedHead> recorded;
      try (BackupStore store = Stores.open(config)) {
        recorded = RecordedHeads.read(store);
      }
      AuditChain.Report report;
      try (Connection c = connect(config)) {
        report = AuditChain.check(c, config.spec().getHistory().getSchema(), recorded);
      } catch (SQLException e) {
        throw new RunnerException(
            ExitCode.DATABASE_UNREACHABLE, "cannot read backup_audit: " + e.getMessage(), e);
      }
      out.printf(
          "audit chain: %d row(s), head %s, %d head(s) recorded outside the database checked%n",
          report.rows(), report.head(), recorded.size());
      for (AuditChain.Problem p : report.problems()) {
        out.printf(
            "%s row %d: %s%n", p.acknowledged() ? "acknowledged:" : "BROKEN:", p.seq(), p.why());
      }
      if (report.restartSeq() != null) {
        out.printf(
            "%s chain restarted at row %d: %s%n",
            report.restartAcknowledged() ? "acknowledged:" : "UNACKNOWLEDGED:",
            report.restartSeq(),
            report.restartReason());
      }
      AuditChain.Problem first = report.firstOpen();
      if (first != null) {
        out.printf("audit chain BROKEN: first bad row %d: %s%n", first.seq(), first.why());
      } else if (report.unacknowledgedRestart()) {
        out.printf(
            "audit chain RESTARTED at row %d and not acknowledged (backup-runner audit"
                + " acknowledge)%n",
            report.restartSeq());
      } else {
        out.println("audit chain intact");
      }
      out.flush();
      if (!report.intact()) {
        spec.commandLine()
            .getErr()
            .println(
                ExitCode.VERIFICATION_FAILED.failureLine(
                    "audit verify", "the audit chain is not intact (see above)"));
        spec.commandLine().getErr().flush();
        return ExitCode.VERIFICATION_FAILED.code();
      }
      return 0;
    }
  }

  /** {@code audit acknowledge}: an operator's ACKNOWLEDGED row, which ends the chain warnings. */
  @Command(
      name = "acknowledge",
      description =
          "Append an ACKNOWLEDGED row (chained like any other): breaks and restarts before it are"
              + " reported as acknowledged and no longer warn.",
      mixinStandardHelpOptions = true)
  static final class Acknowledge implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why (who checked what); recorded in the row.")
    String reason;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      BackupConfig config = options.load();
      var h = config.spec().getHistory();
      try (Connection c = connect(config)) {
        ConnectionSettings settings =
            ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
        SqlHistory history = new SqlHistory(settings.dataSource(h.getDatabase()), c, h.getSchema());
        history.prepare();
        history.audit(
            new AuditEntry(
                Instant.now(),
                config.namespace(),
                config.name(),
                AuditEntry.ACKNOWLEDGED,
                AuditEntry.NO_BACKUP,
                StorageDescription.of(config.spec().getStorage()),
                null,
                reason));
        spec.commandLine().getOut().printf("acknowledged at row %s%n", history.head());
        spec.commandLine().getOut().flush();
      } catch (HistoryUnavailableException e) {
        throw new RunnerException(ExitCode.DATABASE_UNREACHABLE, e.getMessage(), e);
      }
      return 0;
    }
  }

  static Connection connect(BackupConfig config) {
    var h = config.spec().getHistory();
    if (!h.isEnabled()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG, "spec.history.enabled is false: there is no audit chain");
    }
    ConnectionSettings settings =
        ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
    return new DatabaseProbe(settings, 1, Duration.ZERO, d -> {}).connect(h.getDatabase());
  }
}
