package io.dbbackup.runner.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates or migrates the history schema with Flyway (db/history), skipping Flyway when the schema
 * is already at {@link SqlHistory#LATEST_VERSION}, and tells whether backup_audit had to be
 * re-created.
 */
final class HistorySchema {
  private final DataSource dataSource;
  private final HistoryTables tables;

  HistorySchema(DataSource dataSource, HistoryTables tables) {
    this.dataSource = dataSource;
    this.tables = tables;
  }

  /**
   * Migrates; returns whether backup_audit was missing after an earlier migration and re-created.
   */
  boolean migrate() {
    boolean migrated = tableExists("flyway_schema_history");
    boolean auditExists = tableExists("backup_audit");
    if (auditExists && atLatestVersion()) {
      // Nothing to migrate: skip Flyway's start-up (about half a second of every run).
      return false;
    }
    try {
      // afterMigrate__backup_audit.sql re-creates a backup_audit table dropped after its migration.
      Flyway.configure()
          .dataSource(dataSource)
          .schemas(tables.schema())
          .defaultSchema(tables.schema())
          .createSchemas(true)
          .locations("classpath:db/history")
          .table("flyway_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException(
          "cannot create or migrate the history schema " + tables.schema() + ": " + e.getMessage(),
          e);
    }
    return migrated && !auditExists && tableExists("backup_audit");
  }

  private boolean tableExists(String name) {
    try (PreparedStatement ps =
        tables.connection().prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, tables.table(name));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  private boolean atLatestVersion() {
    try (Statement s = tables.connection().createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM "
                    + tables.table("flyway_schema_history")
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() && SqlHistory.LATEST_VERSION.equals(rs.getString(1));
    } catch (SQLException e) {
      return false; // no schema yet, or not readable: Flyway decides
    }
  }
}
