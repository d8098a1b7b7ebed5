package io.dbbackup.runner.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Checks backup_audit row by row (streamed in seq order): every row's payload must equal the
 * canonical encoding of its columns, its row_hash must be sha256(prev_hash || '\n' || payload), and
 * its prev_hash the previous row's row_hash. Heads recorded outside the database must still be in
 * the chain, unless the chain was restarted after they were recorded. Problems before the newest
 * ACKNOWLEDGED row are reported as acknowledged.
 */
public final class AuditChain {
  /** hash_version of rows written now. */
  static final int VERSION = 2;

  /** A head of the chain recorded outside the database, and where. */
  public record RecordedHead(ChainHead head, Instant recordedAt, String source) {}

  /** Something wrong with the chain; {@code seq} is the row concerned (0 for none). */
  public record Problem(long seq, String why, boolean acknowledged) {}

  /** What a check found. */
  public record Report(
      long rows,
      ChainHead head,
      List<Problem> problems,
      Long restartSeq,
      String restartReason,
      boolean restartAcknowledged) {
    /** The problems no ACKNOWLEDGED row covers. */
    public List<Problem> open() {
      return problems.stream().filter(p -> !p.acknowledged()).toList();
    }

    /** No open problem and no unacknowledged restart. */
    public boolean intact() {
      return open().isEmpty() && !unacknowledgedRestart();
    }

    public boolean unacknowledgedRestart() {
      return restartSeq != null && !restartAcknowledged;
    }

    /** The first open problem, or null. */
    public Problem firstOpen() {
      List<Problem> open = open();
      return open.isEmpty() ? null : open.getFirst();
    }
  }

  private AuditChain() {}

  /** Checks the chain in {@code schema} over {@code c}. */
  public static Report check(Connection c, String schema, List<RecordedHead> recorded)
      throws SQLException {
    ChainScan scan = new ChainScan(recorded);
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false); // a cursor: rows are streamed, not loaded at once
    try (Statement s = c.createStatement()) {
      s.setFetchSize(500);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT "
                  + AuditRow.COLUMNS
                  + " FROM \""
                  + schema
                  + "\".backup_audit ORDER BY seq")) {
        while (rs.next()) {
          scan.accept(AuditRow.read(rs));
        }
      }
    } finally {
      c.commit();
      c.setAutoCommit(autoCommit);
    }
    return scan.report();
  }
}
