package io.dbbackup.runner.history;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.runner.config.BackupConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** History in PostgreSQL tables, in the configured schema, migrated with Flyway. */
public final class SqlHistory implements History {
  static final String GENESIS_HASH = "0".repeat(64);

  /** The highest migration in db/history ({@code HistoryMigrationsTest} keeps this true). */
  static final String LATEST_VERSION = "3";

  private final DataSource dataSource;
  private final Connection connection;
  private final String schema;
  private boolean auditRecreated;

  /**
   * @param connection the run's control connection (the one holding the run lock)
   * @param dataSource for Flyway, which manages its own connections
   */
  public SqlHistory(DataSource dataSource, Connection connection, String schema) {
    this.dataSource = dataSource;
    this.connection = connection;
    this.schema = schema;
  }

  @Override
  public void prepare() {
    boolean migrated = flywayHistoryExists();
    boolean auditExists = tableExists("backup_audit");
    if (auditExists && atLatestVersion()) {
      // Nothing to migrate: skip Flyway's start-up (about half a second of every run).
      return;
    }
    try {
      // afterMigrate__backup_audit.sql re-creates a backup_audit table dropped after its migration.
      Flyway.configure()
          .dataSource(dataSource)
          .schemas(schema)
          .defaultSchema(schema)
          .createSchemas(true)
          .locations("classpath:db/history")
          .table("flyway_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException(
          "cannot create or migrate the history schema " + schema + ": " + e.getMessage(), e);
    }
    auditRecreated = migrated && !auditExists && tableExists("backup_audit");
  }

  /** Whether {@link #prepare} found backup_audit missing and re-created it. */
  public boolean auditRecreated() {
    return auditRecreated;
  }

  /** Checks the audit chain against heads recorded outside the database. */
  public AuditChain.Report checkChain(List<AuditChain.RecordedHead> recorded) {
    try {
      return AuditChain.check(connection, schema, recorded);
    } catch (SQLException e) {
      throw unavailable("read backup_audit", e);
    }
  }

  /** The newest row of the chain ({@link ChainHead#EMPTY} for none). */
  @Override
  public ChainHead head() {
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, row_hash FROM "
                    + table("backup_audit")
                    + " ORDER BY seq DESC LIMIT 1")) {
      return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : ChainHead.EMPTY;
    } catch (SQLException e) {
      throw unavailable("read backup_audit", e);
    }
  }

  private boolean flywayHistoryExists() {
    return tableExists("flyway_schema_history");
  }

  private boolean tableExists(String name) {
    try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table(name));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  private boolean atLatestVersion() {
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM "
                    + table("flyway_schema_history")
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() && LATEST_VERSION.equals(rs.getString(1));
    } catch (SQLException e) {
      return false; // no schema yet, or not readable: Flyway decides
    }
  }

  @Override
  public void save(RunRecord r) {
    String sql =
        "INSERT INTO "
            + table("backup_history")
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
            + table("backup_history")
            + ".server_version)";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
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
      if (r.verified() == null) {
        ps.setNull(i++, Types.BOOLEAN);
      } else {
        ps.setBoolean(i++, r.verified());
      }
      if (r.errorCode() == null) {
        ps.setNull(i++, Types.INTEGER);
      } else {
        ps.setInt(i++, r.errorCode());
      }
      ps.setString(i++, r.errorMessage());
      ps.setString(i++, r.runnerHost());
      ps.setString(i++, r.serverVersion());
      RunRecord.Verification v = r.verification();
      ps.setString(i++, v == null ? null : v.mode());
      ps.setString(i++, v == null ? null : v.source());
      ps.setString(i++, v == null ? null : v.result());
      ps.setObject(i++, v == null ? null : v.databases(), Types.INTEGER);
      ps.setObject(i++, v == null ? null : v.tables(), Types.INTEGER);
      ps.setObject(i++, v == null ? null : v.rows(), Types.BIGINT);
      ps.setObject(i, v == null ? null : v.durationSeconds(), Types.DOUBLE);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("record the run in backup_history", e);
    }
  }

  @Override
  public void saveSettings(BackupConfig config, Instant at) {
    DatabaseBackupSpec spec = config.spec();
    String sql =
        "INSERT INTO "
            + table("backup_settings")
            + " (namespace, name, schedule, time_zone, type, retention_days, retention_min_keep,"
            + " compress, compression, verify, storage, timeout_minutes, retries, window_start,"
            + " window_end, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            + " ON CONFLICT (namespace, name) DO UPDATE SET schedule = EXCLUDED.schedule,"
            + " time_zone = EXCLUDED.time_zone, type = EXCLUDED.type,"
            + " retention_days = EXCLUDED.retention_days,"
            + " retention_min_keep = EXCLUDED.retention_min_keep, compress = EXCLUDED.compress,"
            + " compression = EXCLUDED.compression, verify = EXCLUDED.verify,"
            + " storage = EXCLUDED.storage, timeout_minutes = EXCLUDED.timeout_minutes,"
            + " retries = EXCLUDED.retries, window_start = EXCLUDED.window_start,"
            + " window_end = EXCLUDED.window_end, updated_at = EXCLUDED.updated_at";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, config.namespace());
      ps.setString(i++, config.name());
      ps.setString(i++, spec.getSchedule());
      ps.setString(i++, spec.getTimeZone());
      ps.setString(i++, spec.getType().name().toLowerCase(java.util.Locale.ROOT));
      ps.setInt(i++, spec.getRetention().getDays());
      ps.setInt(i++, spec.getRetention().getMinKeep());
      ps.setBoolean(i++, spec.isCompress());
      ps.setString(i++, spec.effectiveCompression().wireName());
      ps.setBoolean(i++, spec.isVerify());
      ps.setString(i++, StorageDescription.of(spec.getStorage()));
      ps.setInt(i++, spec.getTimeoutMinutes());
      ps.setInt(i++, spec.getRetries());
      ps.setString(i++, spec.getWindow() == null ? null : spec.getWindow().getStart());
      ps.setString(i++, spec.getWindow() == null ? null : spec.getWindow().getEnd());
      ps.setTimestamp(i, ts(at));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("record the settings in backup_settings", e);
    }
  }

  @Override
  public void audit(AuditEntry e) {
    Instant at = e.at().truncatedTo(ChronoUnit.MICROS);
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        try (Statement s = connection.createStatement()) {
          s.execute("LOCK TABLE " + table("backup_audit") + " IN SHARE ROW EXCLUSIVE MODE");
        }
        String prev = GENESIS_HASH;
        try (Statement s = connection.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT row_hash FROM "
                        + table("backup_audit")
                        + " ORDER BY seq DESC LIMIT 1")) {
          if (rs.next()) {
            prev = rs.getString(1);
          }
        }
        long seq;
        try (PreparedStatement ps =
            connection.prepareStatement("SELECT nextval(pg_get_serial_sequence(?, 'seq'))")) {
          ps.setString(1, table("backup_audit"));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
          }
        }
        String payload =
            AuditChain.payload(
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
        String hash = AuditChain.rowHash(prev, payload);
        try (PreparedStatement ps =
            connection.prepareStatement(
                "INSERT INTO "
                    + table("backup_audit")
                    + " (seq, hash_version, at, namespace, name, action, backup_id, location,"
                    + " sha256, reason, payload, prev_hash, row_hash)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
          int i = 1;
          ps.setLong(i++, seq);
          ps.setInt(i++, AuditChain.VERSION);
          ps.setTimestamp(i++, ts(at));
          ps.setString(i++, e.namespace());
          ps.setString(i++, e.name());
          ps.setString(i++, e.action());
          ps.setString(i++, e.backupId());
          ps.setString(i++, e.location());
          ps.setString(i++, e.sha256());
          ps.setString(i++, e.reason());
          ps.setString(i++, payload);
          ps.setString(i++, prev);
          ps.setString(i, hash);
          ps.executeUpdate();
        }
        connection.commit();
      } catch (SQLException ex) {
        rollbackQuietly();
        throw ex;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException ex) {
      throw unavailable("append to backup_audit", ex);
    }
  }

  @Override
  public int failAbandoned(String namespace, String name, String currentId, Instant at) {
    String sql =
        "UPDATE "
            + table("backup_history")
            + " SET status = '"
            + HistoryStatus.column(BackupPhase.Failed)
            + "', finished_at = ?, error_code = 1,"
            + " duration_ms = (extract(epoch FROM (? - started_at)) * 1000)::bigint,"
            + " error_message = 'the runner stopped without recording a result"
            + " (killed, out of memory, or its node was lost)'"
            + " WHERE namespace = ? AND name = ? AND status = '"
            + HistoryStatus.column(BackupPhase.Running)
            + "' AND backup_id <> ?";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
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

  private String table(String name) {
    return "\"" + schema + "\"." + name;
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is probably gone; the transaction dies with it
    }
  }

  private static HistoryUnavailableException unavailable(String what, SQLException e) {
    return new HistoryUnavailableException("cannot " + what + ": " + e.getMessage(), e);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  static String sha256Hex(String s) {
    return Sha256.hex(s);
  }
}
