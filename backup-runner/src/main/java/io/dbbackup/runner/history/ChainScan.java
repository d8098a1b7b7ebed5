package io.dbbackup.runner.history;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dbbackup.runner.history.AuditChain.Problem;
import io.dbbackup.runner.history.AuditChain.RecordedHead;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One pass over backup_audit in seq order ({@link AuditChain#check}): checks each row against its
 * own columns and the row before it, remembers the newest restart and acknowledgement and the
 * hashes found at recorded heads' seqs, and at the end reports what it found.
 */
final class ChainScan {
  private final List<RecordedHead> recorded;
  private final Set<Long> wanted = new HashSet<>();
  private final Map<Long, String> found = new LinkedHashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private long rows;
  private ChainHead head = ChainHead.EMPTY;
  private String expectedPrev = SqlHistory.GENESIS_HASH;
  private Long restartSeq;
  private Instant restartAt;
  private String restartReason;
  private long ackSeq = -1;
  private Instant ackAt;

  ChainScan(List<RecordedHead> recorded) {
    this.recorded = recorded;
    for (RecordedHead r : recorded) {
      wanted.add(r.head().seq());
    }
  }

  /** The next row of the chain. */
  void accept(AuditRow row) {
    rows++;
    checkRow(row);
    if (wanted.contains(row.seq())) {
      found.put(row.seq(), row.rowHash());
    }
    if (AuditEntry.CHAIN_RESTARTED.equals(row.action())) {
      restartSeq = row.seq();
      restartAt = row.at();
      restartReason = row.reason();
    } else if (AuditEntry.ACKNOWLEDGED.equals(row.action())) {
      ackSeq = row.seq();
      ackAt = row.at();
    }
    expectedPrev = row.rowHash();
    head = new ChainHead(row.seq(), row.rowHash());
  }

  /** What the pass found, once every row was accepted. */
  AuditChain.Report report() {
    // Row problems before the newest ACKNOWLEDGED row are acknowledged.
    List<Problem> marked = new ArrayList<>();
    for (Problem p : problems) {
      marked.add(p.seq() < ackSeq ? new Problem(p.seq(), p.why(), true) : p);
    }
    for (RecordedHead r : recorded) {
      Problem missing = missing(r);
      if (missing != null) {
        marked.add(missing);
      }
    }
    return new AuditChain.Report(
        rows, head, marked, restartSeq, restartReason, restartSeq != null && ackSeq > restartSeq);
  }

  private void checkRow(AuditRow row) {
    long seq = row.seq();
    if (!Objects.equals(row.prevHash(), expectedPrev)) {
      problems.add(
          new Problem(
              seq,
              "prev_hash "
                  + row.prevHash()
                  + " is not the previous row's row_hash "
                  + expectedPrev
                  + " (a row before it was removed, inserted or changed)",
              false));
    }
    String expectedPayload = row.canonicalPayload();
    if (!expectedPayload.equals(row.payload())) {
      problems.add(
          new Problem(
              seq,
              "the columns differ from the hashed payload ("
                  + differing(row.payload(), expectedPayload)
                  + ")",
              false));
    }
    if (!AuditRow.rowHash(row.prevHash(), row.payload()).equals(row.rowHash())) {
      problems.add(
          new Problem(seq, "row_hash does not match sha256(prev_hash || '\\n' || payload)", false));
    }
  }

  /** The problem of a recorded head no longer in the chain; null when it is, or need not be. */
  private Problem missing(RecordedHead r) {
    ChainHead h = r.head();
    if (h.seq() == 0 || h.hash().equals(found.get(h.seq()))) {
      return null;
    }
    if (restartAt != null && r.recordedAt() != null && r.recordedAt().isBefore(restartAt)) {
      return null; // recorded before the chain restarted: not expected in the new chain
    }
    boolean ack = ackAt != null && r.recordedAt() != null && r.recordedAt().isBefore(ackAt);
    return new Problem(
        h.seq(),
        "the chain head "
            + h
            + " recorded in "
            + r.source()
            + " is not in the chain (rows were deleted; the newest row is "
            + head
            + ")",
        ack);
  }

  /** The payload's fields that differ from the expected payload's. */
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
