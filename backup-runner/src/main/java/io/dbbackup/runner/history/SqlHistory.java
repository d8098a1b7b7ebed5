package io.dbbackup.runner.history;

import io.dbbackup.runner.config.BackupConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * History in PostgreSQL tables, in the configured schema, migrated with Flyway: the schema ({@link
 * HistorySchema}), backup_history ({@link RunRows}), backup_settings ({@link SettingsRow}) and
 * backup_audit ({@link AuditRows}, checked by {@link AuditChain}).
 */
public final class SqlHistory implements History {
  static final String GENESIS_HASH = "0".repeat(64);

  /** The highest migration in db/history ({@code HistoryMigrationsTest} keeps this true). */
  static final String LATEST_VERSION = "3";

  private final HistoryTables tables;
  private final HistorySchema schema;
  private final RunRows runs;
  private final SettingsRow settings;
  private final AuditRows audit;
  private boolean auditRecreated;

  /**
   * @param connection the run's control connection (the one holding the run lock)
   * @param dataSource for Flyway, which manages its own connections
   */
  public SqlHistory(DataSource dataSource, Connection connection, String schema) {
    this.tables = new HistoryTables(connection, schema);
    this.schema = new HistorySchema(dataSource, tables);
    this.runs = new RunRows(tables);
    this.settings = new SettingsRow(tables);
    this.audit = new AuditRows(tables);
  }

  @Override
  public void prepare() {
    auditRecreated |= schema.migrate();
  }

  /** Whether {@link #prepare} found backup_audit missing and re-created it. */
  public boolean auditRecreated() {
    return auditRecreated;
  }

  /** Checks the audit chain against heads recorded outside the database. */
  public AuditChain.Report checkChain(List<AuditChain.RecordedHead> recorded) {
    try {
      return AuditChain.check(tables.connection(), tables.schema(), recorded);
    } catch (SQLException e) {
      throw HistoryTables.unavailable("read backup_audit", e);
    }
  }

  /** The newest row of the chain ({@link ChainHead#EMPTY} for none). */
  @Override
  public ChainHead head() {
    return audit.head();
  }

  @Override
  public void save(RunRecord r) {
    runs.save(r);
  }

  @Override
  public void saveSettings(BackupConfig config, Instant at) {
    settings.save(config, at);
  }

  @Override
  public void audit(AuditEntry e) {
    audit.append(e);
  }

  @Override
  public int failAbandoned(String namespace, String name, String currentId, Instant at) {
    return runs.failAbandoned(namespace, name, currentId, at);
  }
}
