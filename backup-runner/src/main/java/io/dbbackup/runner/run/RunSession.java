package io.dbbackup.runner.run;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.db.RunLock;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.AuditChain;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.RecordedHeads;
import io.dbbackup.runner.history.SqlHistory;
import io.dbbackup.runner.history.StorageDescription;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's hold on the server: a control connection (after retries with backoff), the run lock on
 * it, and the history tables brought up to date and their audit chain checked. Closing it releases
 * the lock.
 */
public final class RunSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

  private final BackupConfig config;
  private final ConnectionSettings connection;
  private final Connection control;
  private final ServerInfo server;
  private final boolean historyMissing;
  private RunLock lock;

  private RunSession(
      BackupConfig config,
      ConnectionSettings connection,
      Connection control,
      ServerInfo server,
      boolean historyMissing) {
    this.config = config;
    this.connection = connection;
    this.control = control;
    this.server = server;
    this.historyMissing = historyMissing;
  }

  /**
   * Connects to the server, retrying with exponential backoff: to the history database when history
   * is on and it exists, else to the maintenance database (postgres, or template1 without it), so
   * that history never blocks a backup.
   *
   * @throws RunnerException {@link ExitCode#DATABASE_UNREACHABLE} when it stays down
   */
  public static RunSession connect(BackupConfig config, RunSettings settings) {
    ConnectionSettings connection =
        ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
    var retry = config.spec().getDatabase().getConnectRetry();
    DatabaseProbe probe =
        new DatabaseProbe(
            connection,
            retry.getAttempts(),
            Duration.ofSeconds(retry.getInitialIntervalSeconds()),
            settings.sleeper());
    var history = config.spec().getHistory();
    Connection control = null;
    boolean historyMissing = false;
    if (history.isEnabled()) {
      try {
        control = probe.connect(history.getDatabase());
      } catch (RunnerException e) {
        if (!missingDatabase(e)) {
          throw e;
        }
        historyMissing = true;
      }
    }
    if (control == null) {
      control = connectMaintenance(probe, history.isEnabled() ? history.getDatabase() : null);
    }
    try {
      return new RunSession(
          config, connection, control, DatabaseProbe.serverInfo(control), historyMissing);
    } catch (RuntimeException e) {
      closeQuietly(control);
      throw e;
    }
  }

  private static Connection connectMaintenance(DatabaseProbe probe, String tried) {
    if (!"postgres".equals(tried)) {
      try {
        return probe.connect("postgres");
      } catch (RunnerException e) {
        if (!missingDatabase(e)) {
          throw e;
        }
      }
    }
    return probe.connect("template1");
  }

  private static boolean missingDatabase(RunnerException e) {
    return e.getCause() instanceof SQLException sql && "3D000".equals(sql.getSQLState());
  }

  public ConnectionSettings connection() {
    return connection;
  }

  public ServerInfo server() {
    return server;
  }

  /**
   * Takes the run lock.
   *
   * @throws RunnerException {@link ExitCode#LOCKED} when another run of this backup holds it
   */
  public void lock() {
    lock = RunLock.acquire(control, config.qualifiedName());
  }

  public boolean locked() {
    return lock != null;
  }

  /**
   * Migrates the history schema (re-creating a dropped backup_audit, with a CHAIN_RESTARTED row),
   * checks the audit chain against the heads recorded in the store, writes rows kept while the
   * database was unwritable, closes abandoned RUNNING rows, and saves the settings. Call with the
   * lock held. History problems become warnings on {@code recorder}: the result is then null and
   * the run's records go to the spool; a privilege the role lacks fails the run.
   *
   * @throws RunnerException {@link ExitCode#PERMISSION_DENIED} naming spec.history and the
   *     privilege
   */
  public History openHistory(
      BackupStore store, String currentId, Instant now, RunRecorder recorder) {
    var spec = config.spec().getHistory();
    if (!spec.isEnabled()) {
      return History.NONE;
    }
    if (historyMissing) {
      recorder.warn(
          HistoryHealth.HISTORY_UNAVAILABLE,
          "spec.history.database \""
              + spec.getDatabase()
              + "\" does not exist on "
              + connection
              + "; the run's records are kept in the store and written once it exists");
      return null;
    }
    SqlHistory history =
        new SqlHistory(connection.dataSource(spec.getDatabase()), control, spec.getSchema());
    try {
      history.prepare();
      checkChain(history, store, currentId, now, recorder);
      int audited = flushPendingAudit(store, history);
      int flushed = flushPending(store, history);
      int abandoned = history.failAbandoned(config.namespace(), config.name(), currentId, now);
      history.saveSettings(config, now);
      if (audited + flushed + abandoned > 0) {
        LOG.atInfo()
            .addKeyValue("event", "history_catch_up")
            .addKeyValue("spooled_written", flushed)
            .addKeyValue("spooled_audit_written", audited)
            .addKeyValue("abandoned_closed", abandoned)
            .log("history brought up to date");
      }
      return history;
    } catch (HistoryUnavailableException e) {
      SQLException denied = permissionDenied(e);
      if (denied != null) {
        // Not something a later run fixes by itself: a privilege the role lacks. Before the dump.
        throw new RunnerException(
            ExitCode.PERMISSION_DENIED,
            "spec.history: role \""
                + connection.user()
                + "\" cannot create or write the history tables (schema "
                + spec.getSchema()
                + " in database "
                + spec.getDatabase()
                + "): it lacks "
                + missingPrivilege(denied, spec.getDatabase(), spec.getSchema())
                + " (grant it, or set spec.history.database to a database the role owns, or"
                + " spec.history.enabled: false)",
            e);
      }
      recorder.warn(
          HistoryHealth.HISTORY_UNAVAILABLE,
          e.getMessage() + "; the run's records are kept in the store and written by a later run");
      return null;
    }
  }

  private static SQLException permissionDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
        return sql;
      }
    }
    return null;
  }

  /** The privilege a "permission denied for ..." names, as a GRANT would say it. */
  static String missingPrivilege(SQLException denied, String database, String schema) {
    String m = String.valueOf(denied.getMessage());
    if (m.contains("permission denied for database")) {
      return "CREATE on database " + database + " (GRANT CREATE ON DATABASE " + database + ")";
    }
    if (m.contains("permission denied for schema")) {
      return "USAGE and CREATE on schema "
          + schema
          + " (GRANT USAGE, CREATE ON SCHEMA "
          + schema
          + ", or let the backup role own it)";
    }
    if (m.contains("must be owner of")) {
      return "ownership of the history objects (" + m.strip() + ")";
    }
    return "a privilege: " + m.strip();
  }

  /** At the start of each run: a broken or restarted chain is a warning, never a failure. */
  private void checkChain(
      SqlHistory history, BackupStore store, String currentId, Instant now, RunRecorder recorder) {
    List<AuditChain.RecordedHead> recorded;
    try {
      recorded = RecordedHeads.read(store);
    } catch (IOException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "audit_heads_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("the audit chain heads recorded in the store could not be read");
      recorded = List.of();
    }
    if (history.auditRecreated()) {
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
    AuditChain.Report report = history.checkChain(recorded);
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

  private static int flushPendingAudit(BackupStore store, History history) {
    try {
      return new PendingHistory(store).flushAudit(history);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "pending_audit_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("kept audit rows could not be read; they stay for the next run");
      return 0;
    }
  }

  private static int flushPending(BackupStore store, History history) {
    try {
      return new PendingHistory(store).flush(history);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "pending_history_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("kept history records could not be read; they stay for the next run");
      return 0;
    }
  }

  /**
   * Cuts the control connection (a stopped run whose statement does not return): the blocked call
   * fails at once, the lock goes with the connection, history is kept for the next run.
   */
  public void abort() {
    try {
      control.abort(r -> Thread.ofPlatform().daemon().name("jdbc-abort").start(r));
    } catch (SQLException | RuntimeException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
    }
    closeQuietly(control);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the server may be gone, and the lock with the connection
    }
  }
}
