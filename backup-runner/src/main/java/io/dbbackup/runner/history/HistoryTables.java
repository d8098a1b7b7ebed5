package io.dbbackup.runner.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * The history schema's tables on the run's control connection: their quoted names, and the JDBC
 * value conversions every table's SQL uses (null-safe timestamps and numbers).
 */
record HistoryTables(Connection connection, String schema) {
  /** {@code "<schema>".<name>}. */
  String table(String name) {
    return "\"" + schema + "\"." + name;
  }

  static HistoryUnavailableException unavailable(String what, SQLException e) {
    return new HistoryUnavailableException("cannot " + what + ": " + e.getMessage(), e);
  }

  static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  static void setBoolean(PreparedStatement ps, int i, Boolean v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BOOLEAN);
    } else {
      ps.setBoolean(i, v);
    }
  }
}
