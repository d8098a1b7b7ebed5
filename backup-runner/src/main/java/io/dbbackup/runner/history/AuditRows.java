package io.dbbackup.runner.history;

import static io.dbbackup.runner.history.HistoryTables.unavailable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Appends to the hash-chained backup_audit table: one transaction per row, the table locked so that
 * each row chains to the one before it; and reads the chain's newest row.
 */
final class AuditRows {
  private final HistoryTables tables;

  AuditRows(HistoryTables tables) {
    this.tables = tables;
  }

  ChainHead head() {
    try (Statement s = tables.connection().createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, row_hash FROM "
                    + tables.table("backup_audit")
                    + " ORDER BY seq DESC LIMIT 1")) {
      return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : ChainHead.EMPTY;
    } catch (SQLException e) {
      throw unavailable("read backup_audit", e);
    }
  }

  void append(AuditEntry e) {
    Instant at = e.at().truncatedTo(ChronoUnit.MICROS);
    Connection c = tables.connection();
    try {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        lock();
        String prev = lastHash();
        long seq = nextSeq();
        insert(AuditRow.next(seq, at, e, prev));
        c.commit();
      } catch (SQLException ex) {
        rollbackQuietly();
        throw ex;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException ex) {
      throw unavailable("append to backup_audit", ex);
    }
  }

  private void lock() throws SQLException {
    try (Statement s = tables.connection().createStatement()) {
      s.execute("LOCK TABLE " + tables.table("backup_audit") + " IN SHARE ROW EXCLUSIVE MODE");
    }
  }

  /** The newest row's row_hash; the genesis hash for an empty chain. */
  private String lastHash() throws SQLException {
    try (Statement s = tables.connection().createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT row_hash FROM "
                    + tables.table("backup_audit")
                    + " ORDER BY seq DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : SqlHistory.GENESIS_HASH;
    }
  }

  private long nextSeq() throws SQLException {
    try (PreparedStatement ps =
        tables.connection().prepareStatement("SELECT nextval(pg_get_serial_sequence(?, 'seq'))")) {
      ps.setString(1, tables.table("backup_audit"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void insert(AuditRow row) throws SQLException {
    try (PreparedStatement ps =
        tables
            .connection()
            .prepareStatement(
                "INSERT INTO "
                    + tables.table("backup_audit")
                    + " ("
                    + AuditRow.COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      row.bind(ps);
      ps.executeUpdate();
    }
  }

  private void rollbackQuietly() {
    try {
      tables.connection().rollback();
    } catch (SQLException ignored) {
      // the connection is probably gone; the transaction dies with it
    }
  }
}
