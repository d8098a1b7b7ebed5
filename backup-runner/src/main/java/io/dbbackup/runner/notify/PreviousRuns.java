package io.dbbackup.runner.notify;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What backup_history says about the runs before this one: the last finished run (succeeded or
 * failed; skipped runs do not count) and the last good one of the same type, for BackupRecovered
 * and SizeChanged.
 *
 * @param lastStatus SUCCEEDED or FAILED, null when there was no earlier run
 */
record PreviousRuns(
    String lastId,
    String lastStatus,
    Integer lastExitCode,
    String lastGoodId,
    Long lastGoodStoredBytes) {

  static final PreviousRuns NONE = new PreviousRuns(null, null, null, null, null);

  boolean lastFailed() {
    return "FAILED".equals(lastStatus);
  }

  /**
   * Reads the history database of {@code config} (spec.history).
   *
   * @throws SQLException when it cannot be read; the caller then knows nothing about earlier runs
   */
  static PreviousRuns read(BackupConfig config, String currentId) throws SQLException {
    var history = config.spec().getHistory();
    String table = "\"" + history.getSchema().replace("\"", "\"\"") + "\".backup_history";
    ConnectionSettings connection =
        ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
    try (Connection c = connection.dataSource(history.getDatabase()).getConnection()) {
      String lastId = null;
      String lastStatus = null;
      Integer lastCode = null;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT backup_id, status, error_code FROM "
                  + table
                  + " WHERE namespace = ? AND name = ? AND backup_id <> ?"
                  + " AND status IN ('SUCCEEDED', 'FAILED')"
                  + " ORDER BY started_at DESC LIMIT 1")) {
        bind(ps, config, currentId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            lastId = rs.getString(1);
            lastStatus = rs.getString(2);
            int code = rs.getInt(3);
            lastCode = rs.wasNull() ? null : code;
          }
        }
      }
      String goodId = null;
      Long goodBytes = null;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT backup_id, stored_bytes FROM "
                  + table
                  + " WHERE namespace = ? AND name = ? AND backup_id <> ?"
                  + " AND status = 'SUCCEEDED' AND stored_bytes IS NOT NULL AND type = ?"
                  + " ORDER BY started_at DESC LIMIT 1")) {
        bind(ps, config, currentId);
        ps.setString(4, config.spec().getType().name().toLowerCase(Locale.ROOT));
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            goodId = rs.getString(1);
            goodBytes = rs.getLong(2);
          }
        }
      }
      return new PreviousRuns(lastId, lastStatus, lastCode, goodId, goodBytes);
    }
  }

  private static void bind(PreparedStatement ps, BackupConfig config, String currentId)
      throws SQLException {
    ps.setString(1, config.namespace());
    ps.setString(2, config.name());
    ps.setString(3, currentId == null ? "" : currentId);
  }
}
