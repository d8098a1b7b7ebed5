package io.dbbackup.runner.run;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.db.RunLock;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.SqlHistory;
import io.dbbackup.runner.store.BackupStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The run's hold on the server: a control connection (after retries with backoff), the run lock on
 * it, and the history tables brought up to date and their audit chain checked. Closing it releases
 * the lock.
 */
public final class RunSession implements AutoCloseable {
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
    ControlConnection control = ControlConnection.open(config, connection, settings);
    try {
      return new RunSession(
          config,
          connection,
          control.connection(),
          DatabaseProbe.serverInfo(control.connection()),
          control.historyMissing());
    } catch (RuntimeException e) {
      closeQuietly(control.connection());
      throw e;
    }
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
      StartOfRunChainCheck.check(config, history, store, currentId, now, recorder);
      HistoryCatchUp.run(history, store, config, currentId, now);
      return history;
    } catch (HistoryUnavailableException e) {
      RunnerException denied = HistoryPrivileges.failure(e, connection, spec);
      if (denied != null) {
        // Not something a later run fixes by itself: a privilege the role lacks. Before the dump.
        throw denied;
      }
      recorder.warn(
          HistoryHealth.HISTORY_UNAVAILABLE,
          e.getMessage() + "; the run's records are kept in the store and written by a later run");
      return null;
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
