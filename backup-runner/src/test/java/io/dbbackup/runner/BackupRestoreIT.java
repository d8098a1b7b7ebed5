package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A backup of a real cluster, restored with stock tools only, holds the same data. */
class BackupRestoreIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  @BeforeAll
  static void loadSampleData() {
    SampleData.load(PG.cluster());
  }

  @Test
  void backupOfSeveralDatabasesRestoresToTheSameDataWithStockTools() throws Exception {
    PostgresCluster pg = PG.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);

    BackupFixture.Result result;
    try (LogCapture logs = LogCapture.open()) {
      result = fixture.backup();
      assertThat(result.exitCode()).as(logs.text()).isZero();
      assertThat(logs.events("summary")).hasSize(1);
      // What deflated the dump is on record (libdeflate where Java 22+ and libdeflate0 are).
      assertThat(logs.events("dump_start"))
          .singleElement(as(STRING))
          .contains("compression=gzip")
          .contains(
              "compression_engine=" + io.dbbackup.runner.pipeline.Engines.expectedPreferred());
      assertThat(logs.lines())
          .anyMatch(l -> l.contains("level=AUDIT") && l.contains("backup_created"));
      assertThat(logs.text()).doesNotContain(pg.password());
    }

    List<Path> folders = fixture.folders();
    assertThat(folders).hasSize(1);
    Path backup = folders.getFirst();
    try (Stream<Path> files = Files.list(backup)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("dump.sql.gz", "dump.sql.gz.sha256", "manifest.json");
    }
    for (String f : List.of("dump.sql.gz", "dump.sql.gz.sha256", "manifest.json")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve(f))))
          .as(f)
          .isEqualTo("rw-------");
    }

    // sha256sum -c accepts the checksum file, gzip -t the dump.
    assertThat(StockTools.run(backup, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256"))
        .extracting(StockTools.Run::exitCode, StockTools.Run::output)
        .containsExactly(0, "dump.sql.gz: OK\n");
    assertThat(StockTools.run(backup, Map.of(), "gzip", "-t", "dump.sql.gz").exitCode()).isZero();

    Manifest manifest;
    try (InputStream in = Files.newInputStream(backup.resolve("manifest.json"))) {
      manifest = ManifestCodec.decode(in);
    }
    assertThat(manifest.id()).isEqualTo(backup.getFileName().toString());
    assertThat(manifest.resource().namespace()).isEqualTo("shop");
    assertThat(manifest.storedBytes()).isEqualTo(Files.size(backup.resolve("dump.sql.gz")));
    assertThat(manifest.dumpBytes()).isGreaterThan(manifest.storedBytes());
    assertThat(manifest.verified()).isTrue();
    assertThat(manifest.serverVersion()).startsWith(pg.psql("postgres", "SHOW server_version"));
    assertThat(manifest.databases())
        .extracting(Manifest.DatabaseInfo::name)
        .contains("analytics", "postgres", "shop");
    String plainSha =
        StockTools.shell(backup, Map.of(), "gunzip -c dump.sql.gz | sha256sum")
            .output()
            .split(" ")[0];
    assertThat(manifest.plainSha256()).isEqualTo(plainSha);

    // Restore into a fresh cluster with gunzip | psql, and compare contents.
    try (PostgresCluster fresh = PostgresCluster.start()) {
      // As a DBA restores a pg_dumpall: as the local superuser over the server's socket, since
      // the dump resets role passwords (the superuser's included) to the source's.
      Map<String, String> env =
          Map.of(
              "PGHOST", fresh.socketDir().toString(),
              "PGPORT", Integer.toString(fresh.port()),
              "PGUSER", "postgres");
      StockTools.Run restore =
          StockTools.shell(
              backup, env, "gunzip -c dump.sql.gz | psql -X -q -d postgres -v ON_ERROR_STOP=0");
      assertThat(restore.exitCode()).as(restore.output()).isZero();
      // pg_dumpall restores the source's role passwords, the superuser's included.
      Map<String, String> restored =
          withoutHistory(ClusterDigest.of(fresh.host(), fresh.port(), "postgres", pg.password()));
      // The runner's own history tables change after the dump (the run records itself).
      Map<String, String> original =
          withoutHistory(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
      assertThat(restored).isEqualTo(original);
      assertThat(original)
          .containsKeys(
              "role shop_app",
              "shop table public.orders",
              "analytics table stats.daily",
              "shop large object 424242");
      assertThat(restored.get("shop table public.orders")).startsWith("5000 rows");
    }
  }

  @Test
  void historyAuditAndSettingsAreRecordedAndTheAuditChainVerifiesInSql() throws Exception {
    PostgresCluster pg = PG.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).name("audited");
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(fixture.backup().exitCode()).isZero();
    List<Path> folders = fixture.folders();

    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT backup_id, status, stored_bytes, dump_bytes, sha256, verified, location,"
                  + " duration_ms, error_code, type, compression, server_version, runner_host"
                  + " FROM dbbackup.backup_history WHERE name = 'audited' ORDER BY started_at")) {
        List<String> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getString("backup_id"));
          Path folder = fixture.backupsRoot().resolve(rs.getString("backup_id"));
          assertThat(rs.getString("status")).isEqualTo("SUCCEEDED");
          assertThat(rs.getLong("stored_bytes"))
              .isEqualTo(Files.size(folder.resolve("dump.sql.gz")));
          assertThat(rs.getString("sha256"))
              .isEqualTo(Files.readString(folder.resolve("dump.sql.gz.sha256")).substring(0, 64));
          assertThat(rs.getBoolean("verified")).isTrue();
          assertThat(rs.getString("location")).isEqualTo(folder.toString());
          assertThat(rs.getLong("duration_ms")).isPositive();
          assertThat(rs.getObject("error_code")).isNull();
          assertThat(rs.getString("type")).isEqualTo("full");
          assertThat(rs.getString("compression")).isEqualTo("gzip-6");
          assertThat(rs.getString("server_version")).isNotBlank();
          assertThat(rs.getString("runner_host")).isNotBlank();
        }
        assertThat(ids)
            .containsExactlyInAnyOrderElementsOf(
                folders.stream().map(p -> p.getFileName().toString()).toList());
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT schedule, retention_days, retention_min_keep, compress, verify, storage"
                  + " FROM dbbackup.backup_settings WHERE namespace = 'shop' AND name = 'audited'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("schedule")).isEqualTo("0 2 * * *");
        assertThat(rs.getInt("retention_days")).isEqualTo(30);
        assertThat(rs.getInt("retention_min_keep")).isEqualTo(1);
        assertThat(rs.getBoolean("compress")).isTrue();
        assertThat(rs.getBoolean("verify")).isTrue();
        assertThat(rs.getString("storage")).isEqualTo("volume:" + fixture.target());
      }
      assertThat(brokenAuditLinks(s)).isZero();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM dbbackup.backup_audit WHERE name = 'audited' AND action = 'CREATED'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
      // The table refuses edits, and a forced edit breaks the chain.
      assertThatThrownBy(() -> s.execute("UPDATE dbbackup.backup_audit SET reason = 'x'"))
          .hasMessageContaining("append-only");
      s.execute("ALTER TABLE dbbackup.backup_audit DISABLE TRIGGER backup_audit_append_only");
      s.execute(
          "UPDATE dbbackup.backup_audit SET payload = replace(payload, 'backup run', 'edited')"
              + " WHERE seq = (SELECT min(seq) FROM dbbackup.backup_audit)");
      s.execute("ALTER TABLE dbbackup.backup_audit ENABLE TRIGGER backup_audit_append_only");
      assertThat(brokenAuditLinks(s)).isEqualTo(1);
      s.execute("ALTER TABLE dbbackup.backup_audit DISABLE TRIGGER backup_audit_append_only");
      s.execute(
          "UPDATE dbbackup.backup_audit SET payload = replace(payload, 'edited', 'backup run')");
      s.execute("ALTER TABLE dbbackup.backup_audit ENABLE TRIGGER backup_audit_append_only");
    }
  }

  static Map<String, String> withoutHistory(Map<String, String> digest) {
    Map<String, String> copy = new java.util.TreeMap<>(digest);
    copy.keySet().removeIf(k -> k.contains(" dbbackup."));
    return copy;
  }

  /** Rows whose hash does not follow from the previous row's hash and their own payload. */
  static int brokenAuditLinks(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT count(*) FROM (SELECT prev_hash, row_hash, payload,"
                + " lag(row_hash) OVER (ORDER BY seq) AS expected_prev FROM dbbackup.backup_audit) a"
                + " WHERE row_hash <> encode(sha256(convert_to(prev_hash || E'\\n' || payload,"
                + " 'UTF8')), 'hex') OR prev_hash <> coalesce(expected_prev, repeat('0', 64))")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void anEmptyClusterBacksUpToASmallCompleteDump() throws Exception {
    try (PostgresCluster empty = PostgresCluster.start()) {
      BackupFixture fixture = new BackupFixture(dir, empty);
      assertThat(fixture.backup().exitCode()).isZero();
      Path backup = fixture.folders().getFirst();
      assertThat(Files.size(backup.resolve("dump.sql.gz"))).isLessThan(16 * 1024);
      StockTools.Run tail = StockTools.shell(backup, Map.of(), "gunzip -c dump.sql.gz | tail -n 3");
      assertThat(tail.output()).contains("-- PostgreSQL database cluster dump complete");
      assertThat(
              StockTools.run(backup, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256").exitCode())
          .isZero();
    }
  }

  @Test
  void listPrintsTheGoodBackupsNewestFirst() {
    BackupFixture fixture = new BackupFixture(dir, PG.cluster()).name("listed");
    Instant first = Instant.now().minusSeconds(3600);
    for (Instant at : List.of(first, first.plusSeconds(60))) {
      Clock clock = Clock.fixed(at, ZoneOffset.UTC);
      assertThat(fixture.backup(BackupFixture.testSettings().withClock(clock)).exitCode()).isZero();
    }
    List<Path> folders = fixture.folders();

    BackupFixture.Result list = fixture.run(RunSettings.defaults(), "list");
    assertThat(list.exitCode()).isZero();
    String[] lines = list.out().split("\n");
    assertThat(lines[0]).startsWith("ID").contains("STARTED", "SIZE", "VERIFIED");
    assertThat(lines).hasSize(3);
    assertThat(lines[1]).startsWith(folders.get(1).getFileName().toString()).contains(" yes ");
    assertThat(lines[2]).startsWith(folders.get(0).getFileName().toString());
  }

  @Test
  void verifyCatchesATamperedDump() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, PG.cluster()).name("tampered");
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(fixture.run(RunSettings.defaults(), "verify", "latest").exitCode()).isZero();

    Path dump = fixture.folders().getFirst().resolve("dump.sql.gz");
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(dump, bytes);

    BackupFixture.Result verify = fixture.run(RunSettings.defaults(), "verify", "latest");
    assertThat(verify.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(verify.err()).contains("failed verification").contains("SHA-256 of dump.sql.gz");

    // Rewriting the checksum file to match does not help: the manifest still disagrees.
    String sha =
        StockTools.run(dump.getParent(), Map.of(), "sha256sum", "dump.sql.gz")
            .output()
            .split(" ")[0];
    Files.writeString(dump.resolveSibling("dump.sql.gz.sha256"), sha + "  dump.sql.gz\n");
    BackupFixture.Result again = fixture.run(RunSettings.defaults(), "verify", "latest");
    assertThat(again.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(again.err()).contains("expected");
  }

  @Test
  void anInvalidResourceExits2NamingTheFieldAndWritesNothing() {
    BackupFixture fixture =
        new BackupFixture(dir, PG.cluster()).name("invalid").spec("retention: {days: 0}");
    BackupFixture.Result result = fixture.backup();
    assertThat(result.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(result.err()).contains("spec.retention").contains("days");
    assertThat(fixture.allFiles()).isEmpty();

    BackupFixture typo = new BackupFixture(dir, PG.cluster()).name("typo").spec("verfy: true");
    BackupFixture.Result typoResult = typo.backup();
    assertThat(typoResult.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(typoResult.err()).contains("spec.verfy: unknown field");
  }

  @Test
  void aRunOutsideTheWindowIsSkippedAndRecorded() throws Exception {
    BackupFixture fixture =
        new BackupFixture(dir, PG.cluster())
            .name("windowed")
            .spec("timeZone: Asia/Tokyo")
            .spec("window: {start: \"02:00\", end: \"05:00\"}");
    // 12:00 in Tokyo: outside.
    Clock noon = Clock.fixed(Instant.parse("2026-11-24T03:00:00Z"), ZoneOffset.UTC);
    BackupFixture.Result skipped = fixture.backup(BackupFixture.testSettings().withClock(noon));
    assertThat(skipped.exitCode()).isEqualTo(ExitCode.OUTSIDE_WINDOW.code());
    assertThat(fixture.folders()).isEmpty();
    assertThat(
            PG.cluster()
                .psql(
                    "postgres",
                    "SELECT status || ' ' || error_code FROM dbbackup.backup_history WHERE name ="
                        + " 'windowed'"))
        .isEqualTo("SKIPPED 9");

    // 03:00 in Tokyo: inside.
    Clock three = Clock.fixed(Instant.parse("2026-11-23T18:00:00Z"), ZoneOffset.UTC);
    assertThat(fixture.backup(BackupFixture.testSettings().withClock(three)).exitCode()).isZero();
    assertThat(fixture.folders()).hasSize(1);
  }

  @Test
  void aSecondRunWhileOneIsDumpingExits8AndTouchesNothing() throws Exception {
    PostgresCluster pg = PG.cluster();
    SampleData.loadBulk(pg, "analytics", 60_000);
    BackupFixture fixture = new BackupFixture(dir, pg).name("exclusive");
    AtomicReference<BackupFixture.Result> second = new AtomicReference<>();
    AtomicReference<List<Path>> filesSeenBySecond = new AtomicReference<>();
    RunListener whileDumping =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            Thread t = new Thread(() -> second.set(fixture.backup()));
            t.start();
            try {
              t.join();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            filesSeenBySecond.set(fixture.folders());
          }
        };
    int historyBefore = historyRows(pg, "exclusive");

    BackupFixture.Result first =
        fixture.backup(BackupFixture.testSettings().withListener(whileDumping));

    assertThat(second.get().exitCode()).isEqualTo(ExitCode.LOCKED.code());
    assertThat(filesSeenBySecond.get()).hasSize(1);
    assertThat(first.exitCode()).isZero();
    assertThat(fixture.folders()).hasSize(1);
    assertThat(historyRows(pg, "exclusive")).isEqualTo(historyBefore + 1);
    pg.execute("analytics", "DROP TABLE bulk");
  }

  @Test
  void pgDumpallGetsOnlyItsOwnEnvironmentAndNoSecretOnItsCommandLine() throws Exception {
    PostgresCluster pg = PG.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).name("child-env");
    AtomicReference<String> environ = new AtomicReference<>();
    AtomicReference<String> cmdline = new AtomicReference<>();
    RunListener inspect =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            try {
              environ.set(
                  Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', '\n'));
              cmdline.set(
                  Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' '));
            } catch (java.io.IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    try (LogCapture logs = LogCapture.open()) {
      assertThat(fixture.backup(BackupFixture.testSettings().withListener(inspect)).exitCode())
          .isZero();
      assertThat(logs.text()).doesNotContain(pg.password());
    }
    List<String> names =
        environ
            .get()
            .lines()
            .filter(l -> !l.isEmpty())
            .map(l -> l.substring(0, l.indexOf('=')))
            .toList();
    assertThat(names)
        .containsExactlyInAnyOrder(
            "PATH",
            "LC_ALL",
            "PGHOST",
            "PGPORT",
            "PGUSER",
            "PGSSLMODE",
            "PGCONNECT_TIMEOUT",
            "PGAPPNAME",
            "PGPASSFILE",
            "PGPASSWORD");
    assertThat(environ.get()).contains("PGPASSWORD=" + pg.password());
    assertThat(cmdline.get()).doesNotContain(pg.password()).contains("pg_dumpall");
  }

  static int historyRows(PostgresCluster pg, String name) {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM dbbackup.backup_history WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      return 0;
    }
  }
}
