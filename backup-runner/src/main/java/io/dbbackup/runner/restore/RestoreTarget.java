package io.dbbackup.runner.restore;

import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.api.v1alpha1.DatabaseSpec;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.db.DatabaseProbe.Sleeper;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.store.Manifest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server a restore writes to (spec.target): its version checked against the backup's, what it
 * holds inspected, and — with spec.overwrite — the databases the backup recreates dropped first.
 */
final class RestoreTarget {
  /** The restore's own log lines, whichever part of it writes them. */
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

  private final ConnectionSettings settings;
  private final boolean overwrite;
  private final Sleeper sleeper;

  RestoreTarget(ConnectionSettings settings, boolean overwrite, Sleeper sleeper) {
    this.settings = settings;
    this.overwrite = overwrite;
    this.sleeper = sleeper;
  }

  /** spec.target's connection, its password read from the mounted secret. */
  static ConnectionSettings settings(DatabaseRestoreSpec spec, SecretFiles secrets) {
    return ConnectionSettings.from(asDatabase(spec), secrets, "spec.target");
  }

  ConnectionSettings settings() {
    return settings;
  }

  private DatabaseProbe probe() {
    return new DatabaseProbe(settings, 3, Duration.ofSeconds(5), sleeper);
  }

  /**
   * pg_dumpall's script loads into a server of its own major or a newer one: a target of an older
   * major than the backup's source server, or than the pg_dumpall that wrote it (which writes
   * options an older server does not know, such as LOCALE_PROVIDER), is refused with exit 2.
   */
  void checkVersion(Manifest manifest) {
    String version;
    int major;
    try (Connection c = probe().connect("postgres");
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int")) {
      rs.next();
      version = rs.getString(1);
      major = rs.getInt(2) / 10000;
    } catch (SQLException e) {
      throw unreachable("reading the restore target's version", e);
    }
    int sourceMajor = PgTools.majorVersion(String.valueOf(manifest.serverVersion()));
    if (sourceMajor > major) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.target: the target "
              + settings
              + " runs PostgreSQL "
              + version
              + ", an older major than PostgreSQL "
              + manifest.serverVersion()
              + ", the server backup "
              + manifest.id()
              + " was taken from; a dump loads only into its own major or a newer one: restore"
              + " into a PostgreSQL "
              + sourceMajor
              + " or newer server");
    }
    int dumpMajor =
        manifest.pgDumpVersion() == null ? -1 : PgTools.majorVersion(manifest.pgDumpVersion());
    if (dumpMajor > major) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.target: the target "
              + settings
              + " runs PostgreSQL "
              + version
              + "; backup "
              + manifest.id()
              + " of a PostgreSQL "
              + manifest.serverVersion()
              + " server was written by "
              + manifest.pgDumpVersion()
              + ", whose script uses options a PostgreSQL "
              + major
              + " server does not know (such as LOCALE_PROVIDER): restore into a PostgreSQL "
              + dumpMajor
              + " or newer server");
    }
  }

  /**
   * Makes the target ready for the dump: {@code held}, the databases the dump has sections for;
   * {@code selection}, those spec.databases names (empty for all).
   */
  void prepare(Set<String> held, Set<String> selection) {
    DatabaseProbe probe = probe();
    TargetState state;
    try (Connection c = probe.connect("postgres")) {
      state = TargetState.read(c);
    } catch (SQLException e) {
      throw unreachable("inspecting the restore target", e);
    }
    if (!selection.isEmpty()) {
      prepareFor(selection, state, probe);
      return;
    }
    if (state.isEmpty()) {
      return;
    }
    if (!overwrite) {
      throw refused("is not empty (" + state + ")", "the databases the backup holds");
    }
    // Replace what the backup holds: its databases are dropped and the dump recreates them;
    // postgres, which pg_dumpall does not create, is recreated empty first.
    replace(
        probe,
        held.stream()
            .sorted()
            .filter(n -> !n.startsWith("template"))
            .filter(n -> n.equals("postgres") || state.databases().contains(n))
            .toList());
  }

  /**
   * Only the selected databases matter: the target may hold others, which are left alone. A
   * selected database the target already has (postgres: with objects in it) is refused, or with
   * spec.overwrite dropped so the dump recreates it.
   */
  private void prepareFor(Set<String> selection, TargetState state, DatabaseProbe probe) {
    List<String> clashes =
        selection.stream()
            .filter(
                d ->
                    state.databases().contains(d)
                        || (d.equals("postgres") && !state.postgresSchemas().isEmpty()))
            .toList();
    if (clashes.isEmpty()) {
      return;
    }
    if (!overwrite) {
      throw refused("already holds " + String.join(", ", clashes) + " of spec.databases", "them");
    }
    replace(probe, clashes);
  }

  /**
   * Drops the target's {@code databases} for the dump to recreate; postgres always exists after.
   */
  private static void replace(DatabaseProbe probe, List<String> databases) {
    try (Connection c = probe.connect("template1");
        Statement s = c.createStatement()) {
      for (String name : databases) {
        LOG.atWarn()
            .addKeyValue("event", "restore_drop")
            .addKeyValue("database", name)
            .log("overwrite: dropping the target's database to restore the backup's");
        s.execute("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)");
      }
      if (!exists(s, "postgres")) {
        s.execute("CREATE DATABASE postgres TEMPLATE template0");
      }
    } catch (SQLException e) {
      throw unreachable("replacing the target's databases", e);
    }
  }

  /** Exit 2 naming spec.overwrite: the target is not as a restore needs it without an overwrite. */
  private RunnerException refused(String what, String replaced) {
    return new RunnerException(
        ExitCode.INVALID_CONFIG,
        "spec.overwrite: the target "
            + settings
            + " "
            + what
            + "; set spec.overwrite: true to replace "
            + replaced);
  }

  private static RunnerException unreachable(String what, SQLException e) {
    return new RunnerException(
        ExitCode.DATABASE_UNREACHABLE, what + " failed: " + e.getMessage(), e);
  }

  private static DatabaseSpec asDatabase(DatabaseRestoreSpec spec) {
    var t = spec.getTarget();
    DatabaseSpec db = new DatabaseSpec();
    db.setHost(t.getHost());
    db.setPort(t.getPort());
    db.setUser(t.getUser());
    db.setPasswordSecretRef(t.getPasswordSecretRef());
    db.setSslMode(t.getSslMode());
    return db;
  }

  private static boolean exists(Statement s, String db) throws SQLException {
    try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + quoteLiteral(db))) {
      return rs.next();
    }
  }

  private static String quoteIdent(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String quoteLiteral(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
