package io.dbbackup.runner;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.db.RunLock;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.history.History;
import io.dbbackup.runner.history.HistoryUnavailableException;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.SqlHistory;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's hold on the server: a control connection (after retries with backoff), the run lock on
 * it, and the history tables brought up to date. Closing it releases the lock.
 */
final class RunSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

  private final BackupConfig config;
  private final ConnectionSettings connection;
  private final Connection control;
  private final ServerInfo server;
  private RunLock lock;

  private RunSession(
      BackupConfig config, ConnectionSettings connection, Connection control, ServerInfo server) {
    this.config = config;
    this.connection = connection;
    this.control = control;
    this.server = server;
  }

  /**
   * Connects to the history database, retrying with exponential backoff.
   *
   * @throws RunnerException {@link ExitCode#DATABASE_UNREACHABLE} when it stays down
   */
  static RunSession connect(BackupConfig config, RunSettings settings) {
    ConnectionSettings connection =
        ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
    var retry = config.spec().getDatabase().getConnectRetry();
    Connection control =
        new DatabaseProbe(
                connection,
                retry.getAttempts(),
                Duration.ofSeconds(retry.getInitialIntervalSeconds()),
                settings.sleeper())
            .connect(config.spec().getHistory().getDatabase());
    try {
      return new RunSession(config, connection, control, DatabaseProbe.serverInfo(control));
    } catch (RuntimeException e) {
      closeQuietly(control);
      throw e;
    }
  }

  ConnectionSettings connection() {
    return connection;
  }

  ServerInfo server() {
    return server;
  }

  /**
   * Takes the run lock.
   *
   * @throws RunnerException {@link ExitCode#LOCKED} when another run of this backup holds it
   */
  void lock() {
    lock = RunLock.acquire(control, config.qualifiedName());
  }

  boolean locked() {
    return lock != null;
  }

  /**
   * Migrates the history schema, writes records kept while the database was down, closes abandoned
   * RUNNING rows, and saves the settings. Call with the lock held.
   */
  History openHistory(BackupStore store, String currentId, Instant now) {
    var spec = config.spec().getHistory();
    if (!spec.isEnabled()) {
      return History.NONE;
    }
    History history =
        new SqlHistory(connection.dataSource(spec.getDatabase()), control, spec.getSchema());
    try {
      history.prepare();
      int flushed = flushPending(store, history);
      int abandoned = history.failAbandoned(config.namespace(), config.name(), currentId, now);
      history.saveSettings(config, now);
      if (flushed + abandoned > 0) {
        LOG.atInfo()
            .addKeyValue("event", "history_catch_up")
            .addKeyValue("spooled_written", flushed)
            .addKeyValue("abandoned_closed", abandoned)
            .log("history brought up to date");
      }
      return history;
    } catch (HistoryUnavailableException e) {
      if (e.getCause() instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
        throw new RunnerException(
            ExitCode.PERMISSION_DENIED,
            e.getMessage()
                + " (grant the role CREATE on database "
                + spec.getDatabase()
                + ", or set spec.history.enabled: false)",
            e);
      }
      throw new RunnerException(ExitCode.DATABASE_UNREACHABLE, e.getMessage(), e);
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
  void abort() {
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
