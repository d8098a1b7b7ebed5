package io.dbbackup.runner.history;

import io.dbbackup.api.hash.Sha256;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of backup_audit: an {@link AuditEntry} at its place in the chain, with its canonical
 * payload and hashes. Built when a row is appended, read back when the chain is checked.
 */
record AuditRow(
    long seq,
    int version,
    Instant at,
    String namespace,
    String name,
    String action,
    String backupId,
    String location,
    String sha256,
    String reason,
    String payload,
    String prevHash,
    String rowHash) {

  /** backup_audit's columns, in the order rows are written and read. */
  static final String COLUMNS =
      "seq, hash_version, at, namespace, name, action, backup_id, location,"
          + " sha256, reason, payload, prev_hash, row_hash";

  /** {@code e} as the row after the one whose row_hash is {@code prev}, in the current version. */
  static AuditRow next(long seq, Instant at, AuditEntry e, String prev) {
    String payload =
        payload(
            AuditChain.VERSION,
            seq,
            at,
            e.namespace(),
            e.name(),
            e.action(),
            e.backupId(),
            e.location(),
            e.sha256(),
            e.reason(),
            prev);
    return new AuditRow(
        seq,
        AuditChain.VERSION,
        at,
        e.namespace(),
        e.name(),
        e.action(),
        e.backupId(),
        e.location(),
        e.sha256(),
        e.reason(),
        payload,
        prev,
        rowHash(prev, payload));
  }

  /** The row at {@code rs}'s cursor (a query of {@link #COLUMNS}). */
  static AuditRow read(ResultSet rs) throws SQLException {
    return new AuditRow(
        rs.getLong("seq"),
        rs.getInt("hash_version"),
        rs.getTimestamp("at").toInstant(),
        rs.getString("namespace"),
        rs.getString("name"),
        rs.getString("action"),
        rs.getString("backup_id"),
        rs.getString("location"),
        rs.getString("sha256"),
        rs.getString("reason"),
        rs.getString("payload"),
        rs.getString("prev_hash"),
        rs.getString("row_hash"));
  }

  /** Binds the row to an INSERT of {@link #COLUMNS}. */
  void bind(PreparedStatement ps) throws SQLException {
    int i = 1;
    ps.setLong(i++, seq);
    ps.setInt(i++, version);
    ps.setTimestamp(i++, HistoryTables.ts(at));
    ps.setString(i++, namespace);
    ps.setString(i++, name);
    ps.setString(i++, action);
    ps.setString(i++, backupId);
    ps.setString(i++, location);
    ps.setString(i++, sha256);
    ps.setString(i++, reason);
    ps.setString(i++, payload);
    ps.setString(i++, prevHash);
    ps.setString(i, rowHash);
  }

  /** The payload this row's columns encode to (what {@link #payload} must be). */
  String canonicalPayload() {
    return payload(
        version, seq, at, namespace, name, action, backupId, location, sha256, reason, prevHash);
  }

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

  /** sha256(prev_hash || '\n' || payload). */
  static String rowHash(String prevHash, String payload) {
    return Sha256.hex(prevHash + "\n" + payload);
  }
}
