package io.dbbackup.runner.db;

import io.dbbackup.api.retry.Retry;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BATCH-101's precondition "the database is running": connect, retrying with exponential backoff
 * (the seed: 3 attempts, 10 minutes, doubling) while the error is one waiting can heal (refused, no
 * answer, starting up or shutting down, too many connections). Errors that waiting cannot fix (an
 * unknown host, a wrong password, a missing database) fail at once, with their cause in words
 * ({@link ConnectionErrors}).
 */
public final class DatabaseProbe {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);

  /** Waits between attempts; tests and the runner use real time. */
  @FunctionalInterface
  public interface Sleeper extends Retry.Sleeper {}

  private final ConnectionSettings settings;
  private final int attempts;
  private final Retry retry;

  public DatabaseProbe(
      ConnectionSettings settings, int attempts, Duration initialInterval, Sleeper sleeper) {
    this.settings = settings;
    this.attempts = attempts;
    this.retry = Retry.backoff(initialInterval).attempts(attempts).sleepingWith(sleeper);
  }

  /** A failure waiting can heal, in words. */
  private static final class Unreachable extends Exception {
    final String cause;

    Unreachable(String cause, SQLException e) {
      super(cause, e, false, false);
      this.cause = cause;
    }
  }

  /**
   * Opens a connection to {@code database}, retrying while the server is unreachable.
   *
   * @throws RunnerException {@link ExitCode#DATABASE_UNREACHABLE} after the last attempt
   */
  public Connection connect(String database) {
    try {
      return retry.call(
          attempt -> open(database, attempt),
          e -> e instanceof Unreachable,
          (e, attempt, wait) ->
              LOG.atWarn()
                  .addKeyValue("event", "db_unreachable")
                  .addKeyValue("attempt", attempt)
                  .addKeyValue("attempts", attempts)
                  .addKeyValue("retry_in_s", wait.toSeconds())
                  .addKeyValue("error", ((Unreachable) e).cause)
                  .log("database unreachable, retrying"));
    } catch (Unreachable e) {
      throw new RunnerException(
          ExitCode.DATABASE_UNREACHABLE,
          "database " + settings + " unreachable after " + attempts + " attempt(s): " + e.cause,
          e.getCause());
    } catch (InterruptedException e) {
      throw new RunnerException(ExitCode.FAILED, "interrupted while waiting for the database");
    }
  }

  /** One attempt: a connection, or the failure classified (waiting cannot fix: thrown at once). */
  private Connection open(String database, int attempt) throws Unreachable {
    try {
      Connection c =
          DriverManager.getConnection(settings.jdbcUrl(database), settings.jdbcProperties());
      LOG.atInfo()
          .addKeyValue("event", "db_reachable")
          .addKeyValue("attempt", attempt)
          .addKeyValue("server", settings.toString())
          .log("database is reachable");
      return c;
    } catch (SQLException e) {
      ConnectionErrors.Failure failure = ConnectionErrors.classify(e, settings, database);
      if (!failure.retryable()) {
        throw new RunnerException(failure.exitCode(), failure.cause(), e);
      }
      throw new Unreachable(failure.cause(), e);
    }
  }

  /** Reads the server's version and databases over an open connection. */
  public static ServerInfo serverInfo(Connection c) {
    try {
      return ServerInfo.read(c);
    } catch (SQLException e) {
      throw new RunnerException(
          ExitCode.DATABASE_UNREACHABLE, "cannot read server information: " + e.getMessage(), e);
    }
  }
}
