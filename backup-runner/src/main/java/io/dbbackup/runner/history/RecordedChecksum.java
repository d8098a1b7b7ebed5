package io.dbbackup.runner.history;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SHA-256 that history and the audit trail recorded for a backup, read only. */
public final class RecordedChecksum {
  private static final Logger LOG = LoggerFactory.getLogger(RecordedChecksum.class);
  private static final int TIMEOUT_SECONDS = 10;

  /** One recorded value and the table it is in (e.g. {@code dbbackup.backup_history}). */
  public record Recorded(String table, String sha256) {}

  private RecordedChecksum() {}

  /**
   * The SHA-256 values recorded for {@code backupId}: its SUCCEEDED history row's and its audit
   * CREATED rows'; empty when none is recorded or the tables do not exist. Writes nothing.
   */
  public static List<Recorded> read(Connection c, String schema, String backupId)
      throws SQLException {
    List<Recorded> recorded = new ArrayList<>();
    collect(
        c,
        schema,
        "backup_history",
        "SELECT sha256 FROM %s WHERE backup_id = ? AND status = 'SUCCEEDED' AND sha256 IS NOT NULL",
        backupId,
        recorded);
    collect(
        c,
        schema,
        "backup_audit",
        "SELECT sha256 FROM %s WHERE backup_id = ? AND action = 'CREATED' AND sha256 IS NOT NULL"
            + " ORDER BY seq",
        backupId,
        recorded);
    return recorded;
  }

  private static void collect(
      Connection c, String schema, String table, String query, String backupId, List<Recorded> into)
      throws SQLException {
    String qualified = "\"" + schema.replace("\"", "\"\"") + "\"." + table;
    try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      exists.setString(1, qualified);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(query.formatted(qualified))) {
      ps.setQueryTimeout(TIMEOUT_SECONDS);
      ps.setString(1, backupId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          into.add(new Recorded(schema + "." + table, rs.getString(1).toLowerCase(Locale.ROOT)));
        }
      }
    }
  }

  /** The first recorded value that is not {@code stored}, naming both; empty when all match. */
  public static Optional<String> mismatch(String stored, List<Recorded> recorded) {
    return recorded.stream()
        .filter(r -> !r.sha256().equals(stored))
        .findFirst()
        .map(
            r ->
                "stored sha256 "
                    + stored
                    + " differs from the recorded sha256 "
                    + r.sha256()
                    + " in "
                    + r.table());
  }

  /**
   * Reads the secret the cross-check needs (the database password, when history is on), so that a
   * command fails on a missing or empty password file before it touches anything, rather than
   * skipping the cross-check.
   *
   * @throws RunnerException {@link ExitCode#INVALID_CONFIG} naming the field
   */
  public static void requireSecrets(BackupConfig config) {
    if (config.spec().getHistory().isEnabled()) {
      ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
    }
  }

  /**
   * Cross-checks backup {@code backupId}'s stored SHA-256 (already verified against the stored
   * file) with what its history database recorded. History off or unreachable never fails: the note
   * then says no cross-check was possible.
   *
   * @return a one-line note of what was checked, also logged
   * @throws RunnerException {@link ExitCode#VERIFICATION_FAILED} when a recorded value differs
   */
  public static String crossCheck(BackupConfig config, String backupId, String storedSha256) {
    var history = config.spec().getHistory();
    if (!history.isEnabled()) {
      return skipped("history is disabled (spec.history.enabled: false)");
    }
    List<Recorded> recorded;
    String where;
    try {
      ConnectionSettings settings =
          ConnectionSettings.from(config.spec().getDatabase(), config.secrets());
      where = "database " + history.getDatabase() + " on " + settings;
      Properties props = settings.jdbcProperties();
      props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
      props.setProperty("socketTimeout", Integer.toString(3 * TIMEOUT_SECONDS));
      try (Connection c =
          DriverManager.getConnection(settings.jdbcUrl(history.getDatabase()), props)) {
        c.setReadOnly(true);
        recorded = read(c, history.getSchema(), backupId);
      }
    } catch (SQLException | RuntimeException e) {
      return skipped("history database " + history.getDatabase() + ": " + e.getMessage());
    }
    if (recorded.isEmpty()) {
      return skipped(
          "no SHA-256 of backup "
              + backupId
              + " is recorded in "
              + history.getSchema()
              + " in "
              + where);
    }
    Optional<String> mismatch = mismatch(storedSha256, recorded);
    if (mismatch.isPresent()) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + backupId + " failed verification: " + mismatch.get());
    }
    String note =
        "sha256 cross-checked with "
            + String.join(" and ", recorded.stream().map(Recorded::table).distinct().toList())
            + " in "
            + where;
    LOG.atInfo()
        .addKeyValue("event", "history_crosscheck")
        .addKeyValue("backup_id", backupId)
        .log(note);
    return note;
  }

  private static String skipped(String why) {
    String note = "sha256 not cross-checked with history: " + why;
    LOG.atWarn().addKeyValue("event", "history_crosscheck_skipped").log(note);
    return note;
  }
}
