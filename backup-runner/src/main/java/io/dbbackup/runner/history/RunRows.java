package io.dbbackup.runner.history;

import static io.dbbackup.runner.history.HistoryTables.setBoolean;
import static io.dbbackup.runner.history.HistoryTables.setInt;
import static io.dbbackup.runner.history.HistoryTables.setLong;
import static io.dbbackup.runner.history.HistoryTables.ts;
import static io.dbbackup.runner.history.HistoryTables.unavailable;

import io.dbbackup.api.v1alpha1.BackupPhase;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** backup_history's rows: a run's row upserted by backup id, and abandoned runs closed. */
final class RunRows {
  private final HistoryTables tables;

  RunRows(HistoryTables tables) {
    this.tables = tables;
  }

  /** Inserts {@code r}, or updates its row with what a later stage of the run knows. */
  void save(RunRecord r) {
    try (PreparedStatement ps = tables.connection().prepareStatement(upsert())) {
      bind(ps, r);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("record the run in backup_history", e);
    }
  }

  /** Marks RUNNING rows of this backup other than {@code currentId} as FAILED. */
  int failAbandoned(String namespace, String name, String currentId, Instant at) {
    String sql =
        "UPDATE "
            + tables.table("backup_history")
            + " SET status = '"
            + HistoryStatus.column(BackupPhase.Failed)
            + "', finished_at = ?, error_code = 1,"
            + " duration_ms = (extract(epoch FROM (? - started_at)) * 1000)::bigint,"
            + " error_message = 'the runner stopped without recording a result"
            + " (killed, out of memory, or its node was lost)'"
            + " WHERE namespace = ? AND name = ? AND status = '"
            + HistoryStatus.column(BackupPhase.Running)
            + "' AND backup_id <> ?";
    try (PreparedStatement ps = tables.connection().prepareStatement(sql)) {
      ps.setTimestamp(1, ts(at));
      ps.setTimestamp(2, ts(at));
      ps.setString(3, namespace);
      ps.setString(4, name);
      ps.setString(5, currentId);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("close abandoned runs in backup_history", e);
    }
  }

  private String upsert() {
    return "INSERT INTO "
        + tables.table("backup_history")
        + " (backup_id, namespace, name, type, status, started_at, finished_at, duration_ms,"
        + " dump_bytes, stored_bytes, compression, encryption, sha256, location, verified,"
        + " error_code, error_message, runner_host, server_version, verification_mode,"
        + " verification_source, verification_result, verification_databases,"
        + " verification_tables, verification_rows, verification_seconds)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        + " ON CONFLICT (backup_id) DO UPDATE SET status = EXCLUDED.status,"
        + " finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms,"
        + " dump_bytes = EXCLUDED.dump_bytes, stored_bytes = EXCLUDED.stored_bytes,"
        + " compression = EXCLUDED.compression, encryption = EXCLUDED.encryption,"
        + " sha256 = EXCLUDED.sha256, location = EXCLUDED.location,"
        + " verified = EXCLUDED.verified, error_code = EXCLUDED.error_code,"
        + " error_message = EXCLUDED.error_message, runner_host = EXCLUDED.runner_host,"
        + " verification_mode = EXCLUDED.verification_mode,"
        + " verification_source = EXCLUDED.verification_source,"
        + " verification_result = EXCLUDED.verification_result,"
        + " verification_databases = EXCLUDED.verification_databases,"
        + " verification_tables = EXCLUDED.verification_tables,"
        + " verification_rows = EXCLUDED.verification_rows,"
        + " verification_seconds = EXCLUDED.verification_seconds,"
        + " server_version = COALESCE(EXCLUDED.server_version, "
        + tables.table("backup_history")
        + ".server_version)";
  }

  private static void bind(PreparedStatement ps, RunRecord r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.backupId());
    ps.setString(i++, r.namespace());
    ps.setString(i++, r.name());
    ps.setString(i++, r.type());
    ps.setString(i++, HistoryStatus.column(r.status()));
    ps.setTimestamp(i++, ts(r.startedAt()));
    ps.setTimestamp(i++, ts(r.finishedAt()));
    setLong(ps, i++, r.durationMs());
    setLong(ps, i++, r.dumpBytes());
    setLong(ps, i++, r.storedBytes());
    ps.setString(i++, r.compression());
    ps.setString(i++, r.encryption());
    ps.setString(i++, r.sha256());
    ps.setString(i++, r.location());
    setBoolean(ps, i++, r.verified());
    setInt(ps, i++, r.errorCode());
    ps.setString(i++, r.errorMessage());
    ps.setString(i++, r.runnerHost());
    ps.setString(i++, r.serverVersion());
    bindVerification(ps, i, r.verification());
  }

  /** The verification_* columns, from parameter {@code i} on; all null for none. */
  private static void bindVerification(PreparedStatement ps, int i, RunRecord.Verification v)
      throws SQLException {
    ps.setString(i++, v == null ? null : v.mode());
    ps.setString(i++, v == null ? null : v.source());
    ps.setString(i++, v == null ? null : v.result());
    ps.setObject(i++, v == null ? null : v.databases(), Types.INTEGER);
    ps.setObject(i++, v == null ? null : v.tables(), Types.INTEGER);
    ps.setObject(i++, v == null ? null : v.rows(), Types.BIGINT);
    ps.setObject(i, v == null ? null : v.durationSeconds(), Types.DOUBLE);
  }
}
