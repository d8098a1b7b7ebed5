package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit chain against a real server: tampered columns, deleted newest rows, a dropped table,
 * and history that cannot be written never fail a backup but warn and catch up later.
 */
class AuditChainIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  /** Keeps the history health each record of a run carried (what the status shows). */
  static final class Health implements RunListener {
    final List<HistoryHealth> seen = new ArrayList<>();

    @Override
    public void historyHealth(HistoryHealth health) {
      seen.add(health);
    }

    HistoryHealth last() {
      return seen.getLast();
    }

    List<String> reasons() {
      return last().warnings().stream().map(HistoryHealth.Warning::reason).toList();
    }
  }

  private static BackupFixture.Result backup(BackupFixture f, Health h) {
    return f.backup(BackupFixture.testSettings().withListener(h));
  }

  private static void forced(PostgresCluster pg, String sql) {
    pg.execute(
        "postgres",
        "ALTER TABLE dbbackup.backup_audit DISABLE TRIGGER USER; "
            + sql
            + "; ALTER TABLE dbbackup.backup_audit ENABLE TRIGGER USER");
  }

  @Test
  void changingSha256AndLocationOfARowIsDetectedAndTheRowNamed() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(fixture.backup().exitCode()).isZero();
    BackupFixture.Result ok = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("2 row(s)").contains("audit chain intact");

    String seq = pg.psql("postgres", "SELECT min(seq) FROM dbbackup.backup_audit").strip();
    forced(
        pg,
        "UPDATE dbbackup.backup_audit SET sha256 = repeat('a', 64), location = '/elsewhere'"
            + " WHERE seq = "
            + seq);
    BackupFixture.Result broken = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(broken.exitCode()).as(broken.out() + broken.err()).isEqualTo(7);
    assertThat(broken.out())
        .contains("first bad row " + seq + ": the columns differ from the hashed payload")
        .contains("location")
        .contains("sha256");

    // The next backup still succeeds, and says the chain is broken.
    Health health = new Health();
    assertThat(backup(fixture, health).exitCode()).isZero();
    assertThat(health.reasons()).containsExactly(HistoryHealth.AUDIT_CHAIN_BROKEN);
  }

  @Test
  void theSqlCheckInTheArchitectureDocFindsChangedColumnsAsAuditVerifyDoes() throws Exception {
    String doc = Files.readString(Path.of("../docs/architecture.md"));
    String section = doc.substring(doc.indexOf("### The audit chain"));
    int open = section.indexOf("```sql\n") + "```sql\n".length();
    String check = section.substring(open, section.indexOf("```", open));
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(pg.psql("postgres", "SELECT count(*) FROM dbbackup.backup_audit")).isEqualTo("2");
    assertThat(pg.psql("postgres", check)).as("the intact chain").isEmpty();

    String seq = pg.psql("postgres", "SELECT max(seq) FROM dbbackup.backup_audit").strip();
    forced(
        pg,
        "UPDATE dbbackup.backup_audit SET sha256 = repeat('a', 64), location = '/elsewhere'"
            + " WHERE seq = "
            + seq);
    assertThat(pg.psql("postgres", check))
        .isEqualTo(seq + "|the columns differ from the hashed payload");
    assertThat(fixture.run(BackupFixture.testSettings(), "audit", "verify").exitCode())
        .isEqualTo(7);
  }

  @Test
  void deletingTheNewestRowsIsDetectedThroughTheManifestsChainHead() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(fixture.backup().exitCode()).isZero();
    Manifest newest = newestManifest(fixture);
    assertThat(newest.auditChainHead()).matches("\\d+:[0-9a-f]{64}");
    String headSeq = newest.auditChainHead().substring(0, newest.auditChainHead().indexOf(':'));
    // The chain itself stays consistent: only the rows from the recorded head on are gone.
    forced(pg, "DELETE FROM dbbackup.backup_audit WHERE seq >= " + headSeq);
    assertThat(pg.psql("postgres", "SELECT count(*) FROM dbbackup.backup_audit").strip())
        .isEqualTo("0");

    BackupFixture.Result verify = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(7);
    assertThat(verify.out())
        .contains("recorded in the manifest of backup ")
        .contains("is not in the chain");

    Health health = new Health();
    BackupFixture.Result next;
    try (LogCapture logs = LogCapture.open()) {
      next = backup(fixture, health);
      assertThat(logs.events("history_warning")).anyMatch(l -> l.contains("AuditChainBroken"));
    }
    assertThat(next.exitCode()).isZero();
    assertThat(health.reasons()).contains(HistoryHealth.AUDIT_CHAIN_BROKEN);
    assertThat(health.last().auditChainHead()).matches("\\d+:[0-9a-f]{64}");
  }

  @Test
  void aDroppedAuditTableIsRecreatedWithARestartRowAndWarnsUntilAcknowledged() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    pg.execute("postgres", "DROP TABLE dbbackup.backup_audit");

    Health health = new Health();
    assertThat(backup(fixture, health).exitCode()).isZero();
    assertThat(
            pg.psql(
                    "postgres",
                    "SELECT string_agg(action, ',' ORDER BY seq) FROM dbbackup.backup_audit")
                .strip())
        .isEqualTo("CHAIN_RESTARTED,CREATED");
    assertThat(
            pg.psql(
                "postgres",
                "SELECT reason FROM dbbackup.backup_audit WHERE action = 'CHAIN_RESTARTED'"))
        .contains("missing (dropped) and has been re-created")
        .contains("the last head recorded outside the database was 1:");
    assertThat(health.reasons()).containsExactly(HistoryHealth.AUDIT_CHAIN_RESTARTED);
    // The re-created table refuses edits like the migrated one.
    assertThat(
            pg.psql(
                "postgres",
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'dbbackup.backup_audit'::regclass"
                    + " AND NOT tgisinternal"))
        .contains("2");

    Health still = new Health();
    assertThat(backup(fixture, still).exitCode()).isZero();
    assertThat(still.reasons()).containsExactly(HistoryHealth.AUDIT_CHAIN_RESTARTED);
    BackupFixture.Result verify = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(7);
    assertThat(verify.out()).contains("RESTARTED");

    BackupFixture.Result ack =
        fixture.run(
            BackupFixture.testSettings(), "audit", "acknowledge", "--reason", "dropped by a test");
    assertThat(ack.exitCode()).as(ack.out() + ack.err()).isZero();
    BackupFixture.Result after = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
    Health healthy = new Health();
    assertThat(backup(fixture, healthy).exitCode()).isZero();
    assertThat(healthy.last().healthy()).as(healthy.last().toString()).isTrue();
  }

  @Test
  void withHistoryOffAMissingHistoryDatabaseIsNeverTouched() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture =
        new BackupFixture(dir, pg).spec("history: {enabled: false, database: nosuchdb}");
    BackupFixture.Result result = fixture.backup();
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(fixture.folders()).hasSize(1);
    assertThat(state(fixture)).isEmpty();
    assertThat(pg.psql("postgres", "SELECT to_regnamespace('dbbackup') IS NULL").strip())
        .isEqualTo("t");
  }

  @Test
  void aMissingHistoryDatabaseWarnsSpoolsAndIsWrittenOnceItExists() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).spec("history: {database: histdb}");
    Health health = new Health();
    BackupFixture.Result result = backup(fixture, health);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(health.reasons()).containsExactly(HistoryHealth.HISTORY_UNAVAILABLE);
    assertThat(health.last().warnings().getFirst().message()).contains("\"histdb\" does not exist");
    assertThat(state(fixture))
        .anyMatch(n -> n.startsWith("pending-history-"))
        .anyMatch(n -> n.startsWith("pending-audit-"));

    pg.execute("postgres", "CREATE DATABASE histdb");
    Health later = new Health();
    assertThat(backup(fixture, later).exitCode()).isZero();
    assertThat(later.last().healthy()).as(later.last().toString()).isTrue();
    assertThat(
            pg.psql(
                    "histdb",
                    "SELECT string_agg(status, ',' ORDER BY started_at) FROM"
                        + " dbbackup.backup_history")
                .strip())
        .isEqualTo("SUCCEEDED,SUCCEEDED");
    assertThat(
            pg.psql(
                    "histdb",
                    "SELECT string_agg(action, ',' ORDER BY seq) FROM dbbackup.backup_audit")
                .strip())
        .isEqualTo("CREATED,CREATED");
    assertThat(state(fixture)).noneMatch(n -> n.startsWith("pending-"));
  }

  @Test
  void aHistoryTableRefusingWritesNeverFailsABackup() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    pg.execute(
        "postgres",
        "CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN RAISE EXCEPTION 'history is read-only today'; END $$;"
            + " CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON dbbackup.backup_history"
            + " FOR EACH ROW EXECUTE FUNCTION public.refuse()");
    Health health = new Health();
    BackupFixture.Result refused = backup(fixture, health);
    assertThat(refused.exitCode()).as(refused.err()).isZero();
    assertThat(health.reasons()).containsExactly(HistoryHealth.HISTORY_UNAVAILABLE);
    assertThat(health.last().warnings().getFirst().message()).contains("read-only today");
    assertThat(state(fixture)).anyMatch(n -> n.startsWith("pending-history-"));

    pg.execute("postgres", "DROP TRIGGER refuse ON dbbackup.backup_history");
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(
            pg.psql(
                    "postgres",
                    "SELECT string_agg(status, ',' ORDER BY started_at) FROM"
                        + " dbbackup.backup_history")
                .strip())
        .isEqualTo("SUCCEEDED,SUCCEEDED,SUCCEEDED");
    assertThat(
            pg.psql(
                    "postgres",
                    "SELECT count(*) FROM dbbackup.backup_audit WHERE action = 'CREATED'")
                .strip())
        .isEqualTo("3");
    assertThat(state(fixture)).noneMatch(n -> n.startsWith("pending-"));
    BackupFixture.Result verify = fixture.run(BackupFixture.testSettings(), "audit", "verify");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  private static List<String> state(BackupFixture fixture) throws Exception {
    Path state = fixture.backupsRoot().resolve(".state");
    if (!Files.isDirectory(state)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(state)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static Manifest newestManifest(BackupFixture fixture) throws Exception {
    Path folder = fixture.folders().getLast();
    try (InputStream in = Files.newInputStream(folder.resolve(Manifest.FILE_NAME))) {
      return ManifestCodec.decode(in);
    }
  }
}
