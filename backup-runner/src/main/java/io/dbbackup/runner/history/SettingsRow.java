package io.dbbackup.runner.history;

import static io.dbbackup.runner.history.HistoryTables.ts;
import static io.dbbackup.runner.history.HistoryTables.unavailable;

import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.runner.config.BackupConfig;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/** backup_settings' row of a backup: the effective settings of its latest run, upserted. */
final class SettingsRow {
  private final HistoryTables tables;

  SettingsRow(HistoryTables tables) {
    this.tables = tables;
  }

  void save(BackupConfig config, Instant at) {
    DatabaseBackupSpec spec = config.spec();
    String sql =
        "INSERT INTO "
            + tables.table("backup_settings")
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
    try (PreparedStatement ps = tables.connection().prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, config.namespace());
      ps.setString(i++, config.name());
      ps.setString(i++, spec.getSchedule());
      ps.setString(i++, spec.getTimeZone());
      ps.setString(i++, spec.getType().name().toLowerCase(Locale.ROOT));
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
}
