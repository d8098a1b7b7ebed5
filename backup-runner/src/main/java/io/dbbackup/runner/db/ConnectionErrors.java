package io.dbbackup.runner.db;

import io.dbbackup.runner.error.ExitCode;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * What a failed connection attempt means: whether waiting can heal it (the server refuses or does
 * not answer yet, is starting up or shutting down, has too many connections), and its cause in
 * words for people. Everything else (an unknown host, a wrong password, a missing database, a TLS
 * mismatch) fails at once: retrying it for half an hour changes nothing. What no retry can fix is
 * not exit 3 either, which the Job retries: an unknown host or a missing database is a config
 * mistake (exit 2, naming the field), a refused login is exit 10 (naming the user and the password
 * Secret).
 */
public final class ConnectionErrors {
  private ConnectionErrors() {}

  /** One classified connection failure. */
  public record Failure(boolean retryable, ExitCode exitCode, String cause) {}

  /**
   * Classifies {@code e}, raised connecting to {@code database} with {@code settings}; the cause
   * names the resource's fields ({@link ConnectionSettings#field()}) where one is to blame.
   */
  public static Failure classify(SQLException e, ConnectionSettings settings, String database) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return unknownHost(e, settings)
        .or(() -> byServerState(e, state, settings, database))
        .or(() -> byNetwork(e, state, settings))
        .orElseGet(() -> unclassified(e, state, settings));
  }

  /** A host DNS does not know: a config mistake, naming the field. */
  private static Optional<Failure> unknownHost(SQLException e, ConnectionSettings settings) {
    if (find(e, UnknownHostException.class) == null) {
      return Optional.empty();
    }
    String field = settings.field();
    return Optional.of(
        new Failure(
            false,
            ExitCode.INVALID_CONFIG,
            field
                + ".host: host \""
                + settings.host()
                + "\" not found (DNS): check "
                + field
                + ".host (a Service name needs its namespace when the database runs in another"
                + " one)"));
  }

  /**
   * What the server answered, by SQLState: starting up or shutting down and too many connections
   * heal by waiting; a refused login and a missing database do not.
   */
  private static Optional<Failure> byServerState(
      SQLException e, String state, ConnectionSettings settings, String database) {
    String where = where(settings);
    if (state.equals("57P03")) {
      return Optional.of(
          new Failure(
              true,
              ExitCode.DATABASE_UNREACHABLE,
              "the server at " + where + " is starting up or shutting down: " + e.getMessage()));
    }
    if (state.equals("53300")) {
      return Optional.of(
          new Failure(
              true,
              ExitCode.DATABASE_UNREACHABLE,
              "the server at "
                  + where
                  + " has too many connections (max_connections, or the role's CONNECTION LIMIT): "
                  + e.getMessage()));
    }
    if (state.startsWith("28")) {
      return Optional.of(authentication(e, state, settings));
    }
    if (state.equals("3D000")) {
      return Optional.of(
          new Failure(
              false,
              ExitCode.INVALID_CONFIG,
              "database \"" + database + "\" does not exist on " + settings));
    }
    return Optional.empty();
  }

  /** A refused login (SQLState class 28): exit 10, naming the user and the password Secret. */
  private static Failure authentication(SQLException e, String state, ConnectionSettings settings) {
    String field = settings.field();
    String what =
        state.equals("28P01")
            ? "password authentication failed for user \"" + settings.user() + "\""
            : "the server refused user \"" + settings.user() + "\"";
    return new Failure(
        false,
        ExitCode.PERMISSION_DENIED,
        "authentication failed for "
            + settings
            + ": "
            + what
            + " (check "
            + field
            + ".user and "
            + field
            + ".passwordSecretRef, and the server's pg_hba.conf): "
            + e.getMessage());
  }

  /**
   * What the network said, all healed by waiting: refused or unroutable, no answer in time, or
   * closed by the server while the connection was being opened.
   */
  private static Optional<Failure> byNetwork(
      SQLException e, String state, ConnectionSettings settings) {
    String field = settings.field();
    String where = where(settings);
    if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null) {
      return Optional.of(
          new Failure(
              true,
              ExitCode.DATABASE_UNREACHABLE,
              "connection to "
                  + where
                  + " refused (is the server running and listening there? check "
                  + field
                  + ".host and "
                  + field
                  + ".port)"));
    }
    if (find(e, SocketTimeoutException.class) != null) {
      return Optional.of(
          new Failure(
              true,
              ExitCode.DATABASE_UNREACHABLE,
              "no answer from "
                  + where
                  + " within "
                  + ConnectionSettings.CONNECT_TIMEOUT_SECONDS
                  + " s (a firewall, or the server is overloaded)"));
    }
    if (state.startsWith("08") && closedByServer(e)) {
      return Optional.of(
          new Failure(
              true,
              ExitCode.DATABASE_UNREACHABLE,
              "the server at " + where + " closed the connection while it was being opened"));
    }
    return Optional.empty();
  }

  /** Anything else fails at once, with the driver's words and SQLState. */
  private static Failure unclassified(SQLException e, String state, ConnectionSettings settings) {
    return new Failure(
        false,
        ExitCode.DATABASE_UNREACHABLE,
        "cannot connect to "
            + settings
            + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")")
            + ": "
            + e.getMessage());
  }

  private static String where(ConnectionSettings settings) {
    return settings.host() + ":" + settings.port();
  }

  private static boolean closedByServer(SQLException e) {
    if (find(e, EOFException.class) != null) {
      return true;
    }
    SocketException s = find(e, SocketException.class);
    return s != null
        && s.getMessage() != null
        && s.getMessage().toLowerCase(Locale.ROOT).contains("connection reset");
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
