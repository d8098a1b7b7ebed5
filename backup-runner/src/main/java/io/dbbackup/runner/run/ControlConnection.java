package io.dbbackup.runner.run;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.error.RunnerException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Which database the run's control connection goes to, connected with retries and backoff: the
 * history database when history is on and it exists, else the maintenance database (postgres, or
 * template1 without it), so that history never blocks a backup.
 *
 * @param historyMissing history is on but its database does not exist
 */
record ControlConnection(Connection connection, boolean historyMissing) {

  static ControlConnection open(
      BackupConfig config, ConnectionSettings connection, RunSettings settings) {
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
      control = maintenance(probe, history.isEnabled() ? history.getDatabase() : null);
    }
    return new ControlConnection(control, historyMissing);
  }

  private static Connection maintenance(DatabaseProbe probe, String tried) {
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
}
