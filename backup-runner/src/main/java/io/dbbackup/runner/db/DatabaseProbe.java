package io.dbbackup.runner.db;

import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunnerException;
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
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final ConnectionSettings settings;
  private final int attempts;
  private final Duration initialInterval;
  private final Sleeper sleeper;

  public DatabaseProbe(
      ConnectionSettings settings, int attempts, Duration initialInterval, Sleeper sleeper) {
    this.settings = settings;
    this.attempts = attempts;
    this.initialInterval = initialInterval;
    this.sleeper = sleeper;
  }

  /**
   * Opens a connection to {@code database}, retrying while the server is unreachable.
   *
   * @throws RunnerException {@link ExitCode#DATABASE_UNREACHABLE} after the last attempt
   */
  public Connection connect(String database) {
    Duration wait = initialInterval;
    for (int attempt = 1; ; attempt++) {
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
        if (attempt >= attempts) {
          throw new RunnerException(
              ExitCode.DATABASE_UNREACHABLE,
              "database "
                  + settings
                  + " unreachable after "
                  + attempts
                  + " attempt(s): "
                  + failure.cause(),
              e);
        }
        LOG.atWarn()
            .addKeyValue("event", "db_unreachable")
            .addKeyValue("attempt", attempt)
            .addKeyValue("attempts", attempts)
            .addKeyValue("retry_in_s", wait.toSeconds())
            .addKeyValue("error", failure.cause())
            .log("database unreachable, retrying");
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new RunnerException(ExitCode.FAILED, "interrupted while waiting for the database");
        }
        wait = wait.multipliedBy(2);
      }
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
