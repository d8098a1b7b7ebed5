package io.dbbackup.runner.run;

import io.dbbackup.api.v1alpha1.HistorySpec;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.sql.SQLException;

/**
 * A history failure that is a privilege the backup role lacks (SQLSTATE 42501): not something a
 * later run fixes by itself, so it fails the run, naming the privilege as a GRANT would say it.
 */
final class HistoryPrivileges {
  private HistoryPrivileges() {}

  /** The run's failure when {@code e} is a denied privilege; null for any other problem. */
  static RunnerException failure(Exception e, ConnectionSettings connection, HistorySpec spec) {
    SQLException denied = permissionDenied(e);
    if (denied == null) {
      return null;
    }
    return new RunnerException(
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
}
