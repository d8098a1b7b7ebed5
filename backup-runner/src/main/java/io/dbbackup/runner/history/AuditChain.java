package io.dbbackup.runner.history;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

  /**
   * The canonical payload of a row: JSON with a fixed key order, every column but payload and
   * row_hash ({@code hash_version} 2), or the first rule's fields (1).
   */
  static String payload(
      int version,
      long seq,
      Instant at,
      String namespace,
      String name,
      String action,
      String backupId,
      String location,
      String sha256,
      String reason,
      String prevHash) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (version >= 2) {
      p.put("v", version);
      p.put("seq", seq);
    }
    p.put("at", at.toString());
    p.put("namespace", namespace);
    p.put("name", name);
    p.put("action", action);
    p.put("backupId", backupId);
    p.put("location", location);
    p.put("sha256", sha256);
    p.put("reason", reason);
    if (version >= 2) {
      p.put("prevHash", prevHash);
    }
    return Json.canonical(p);
  }

  static String rowHash(String prevHash, String payload) {
    return SqlHistory.sha256Hex(prevHash + "\n" + payload);
  }

  /** Checks the chain in {@code schema} over {@code c}. */
  public static Report check(Connection c, String schema, List<RecordedHead> recorded)
      throws SQLException {
    List<Problem> problems = new ArrayList<>();
    Map<Long, String> wanted = new LinkedHashMap<>();
    for (RecordedHead r : recorded) {
      wanted.put(r.head().seq(), r.head().hash());
    }
    Map<Long, String> found = new LinkedHashMap<>();
    long rows = 0;
    ChainHead head = ChainHead.EMPTY;
    String expectedPrev = SqlHistory.GENESIS_HASH;
    Long restartSeq = null;
    Instant restartAt = null;
    String restartReason = null;
    long ackSeq = -1;
    Instant ackAt = null;
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false); // a cursor: rows are streamed, not loaded at once
    try (Statement s = c.createStatement()) {
      s.setFetchSize(500);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT seq, hash_version, at, namespace, name, action, backup_id, location,"
                  + " sha256, reason, payload, prev_hash, row_hash FROM \""
                  + schema
                  + "\".backup_audit ORDER BY seq")) {
        while (rs.next()) {
          rows++;
          long seq = rs.getLong("seq");
          int version = rs.getInt("hash_version");
          Instant at = rs.getTimestamp("at").toInstant();
          String action = rs.getString("action");
          String payload = rs.getString("payload");
          String prev = rs.getString("prev_hash");
          String hash = rs.getString("row_hash");
          String expectedPayload =
              payload(
                  version,
                  seq,
                  at,
                  rs.getString("namespace"),
                  rs.getString("name"),
                  action,
                  rs.getString("backup_id"),
                  rs.getString("location"),
                  rs.getString("sha256"),
                  rs.getString("reason"),
                  prev);
          if (!Objects.equals(prev, expectedPrev)) {
            problems.add(
                new Problem(
                    seq,
                    "prev_hash "
                        + prev
                        + " is not the previous row's row_hash "
                        + expectedPrev
                        + " (a row before it was removed, inserted or changed)",
                    false));
          }
          if (!expectedPayload.equals(payload)) {
            problems.add(
                new Problem(
                    seq,
                    "the columns differ from the hashed payload ("
                        + differing(payload, expectedPayload)
                        + ")",
                    false));
          }
          if (!rowHash(prev, payload).equals(hash)) {
            problems.add(
                new Problem(
                    seq, "row_hash does not match sha256(prev_hash || '\\n' || payload)", false));
          }
          if (wanted.containsKey(seq)) {
            found.put(seq, hash);
          }
          if (AuditEntry.CHAIN_RESTARTED.equals(action)) {
            restartSeq = seq;
            restartAt = at;
            restartReason = rs.getString("reason");
          } else if (AuditEntry.ACKNOWLEDGED.equals(action)) {
            ackSeq = seq;
            ackAt = at;
          }
          expectedPrev = hash;
          head = new ChainHead(seq, hash);
        }
      }
    } finally {
      c.commit();
      c.setAutoCommit(autoCommit);
    }
    // Row problems before the newest ACKNOWLEDGED row are acknowledged.
    List<Problem> marked = new ArrayList<>();
    for (Problem p : problems) {
      marked.add(p.seq() < ackSeq ? new Problem(p.seq(), p.why(), true) : p);
    }
    for (RecordedHead r : recorded) {
      ChainHead h = r.head();
      if (h.seq() == 0 || h.hash().equals(found.get(h.seq()))) {
        continue;
      }
      if (restartAt != null && r.recordedAt() != null && r.recordedAt().isBefore(restartAt)) {
        continue; // recorded before the chain restarted: not expected in the new chain
      }
      boolean ack = ackAt != null && r.recordedAt() != null && r.recordedAt().isBefore(ackAt);
      marked.add(
          new Problem(
              h.seq(),
              "the chain head "
                  + h
                  + " recorded in "
                  + r.source()
                  + " is not in the chain (rows were deleted; the newest row is "
                  + head
                  + ")",
              ack));
    }
    return new Report(
        rows, head, marked, restartSeq, restartReason, restartSeq != null && ackSeq > restartSeq);
  }

  private static String differing(String payload, String expected) {
    try {
      Map<String, Object> actual =
          Json.MAPPER.readValue(payload, new TypeReference<LinkedHashMap<String, Object>>() {});
      Map<String, Object> wanted =
          Json.MAPPER.readValue(expected, new TypeReference<LinkedHashMap<String, Object>>() {});
      List<String> fields = new ArrayList<>();
      for (String k : wanted.keySet()) {
        if (!Objects.equals(String.valueOf(actual.get(k)), String.valueOf(wanted.get(k)))
            || !actual.containsKey(k)) {
          fields.add(k);
        }
      }
      for (String k : actual.keySet()) {
        if (!wanted.containsKey(k)) {
          fields.add(k);
        }
      }
      return fields.isEmpty() ? "encoding" : String.join(", ", fields);
    } catch (IOException e) {
      return "payload is not JSON";
    }
  }
}
