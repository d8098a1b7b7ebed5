package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.db.RunLock;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.RestoreResource;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresBinaries;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.ZonkyPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runner's pg_dumpall against servers of other majors (zonky's server binaries): every older
 * major is backed up and restored into a fresh server of the client's major; a newer one is refused
 * before the run lock and the history tables are touched.
 */
class ServerVersionsIT {
  @TempDir Path dir;

  /** The client's major: the machine's newest PostgreSQL, as the runner picks it. */
  static int clientMajor() {
    return PgTools.majorVersion(PgTools.locate().version("pg_dumpall"));
  }

  /** Server binaries of {@code version}: "system" for the machine's own, else a zonky version. */
  static Path binDir(String version) {
    if (version.equals("system")) {
      return PostgresBinaries.binDir();
    }
    var bin = ZonkyPostgres.binDir(version);
    assumeTrue(bin.isPresent(), "no zonky PostgreSQL " + version + " binaries on the classpath");
    return bin.get();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(strings = {"13.22.0", "14.18.0", "system"})
  void backsUpAnOlderServerAndRestoresItIntoAFreshServerOfTheClientsMajor(String version)
      throws Exception {
    Path bin = binDir(version);
    try (PostgresCluster source = PostgresCluster.start(bin)) {
      int major = Integer.parseInt(source.psql("postgres", "SHOW server_version_num")) / 10000;
      assertThat(major).isLessThanOrEqualTo(clientMajor());
      SampleData.load(source);
      BackupFixture fixture = new BackupFixture(dir, source);
      BackupFixture.Result backup = fixture.backup();
      assertThat(backup.exitCode()).as(backup.err()).isZero();
      Path folder = fixture.folders().getFirst();
      JsonNode manifest = new ObjectMapper().readTree(folder.resolve("manifest.json").toFile());
      assertThat(manifest.toString()).contains("\"" + major + ".");

      // pg_dumpall's output loads into its own major or newer (15 writes LOCALE_PROVIDER, which a
      // 13 or 14 server does not know): restored into the client's major, as on an upgrade.
      try (PostgresCluster target = PostgresCluster.start()) {
        BackupFixture.Result restore = restore(fixture, target, false);
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(contents(target, target.password()))
            .isEqualTo(contents(source, source.password()))
            .containsKeys("shop table public.orders", "role shop_app");
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(strings = {"16.10.0", "17.6.0", "18.0.0"})
  void refusesANewerServerBeforeTheLockAndTheHistory(String version) throws Exception {
    Path bin = binDir(version);
    try (PostgresCluster server = PostgresCluster.start(bin)) {
      int major = Integer.parseInt(server.psql("postgres", "SHOW server_version_num")) / 10000;
      assumeTrue(major > clientMajor(), "the client is PostgreSQL " + clientMajor());
      BackupFixture fixture = new BackupFixture(dir, server);
      String refusal = "cannot dump a PostgreSQL " + major + " server";

      // Another run holds the lock: the refusal comes first, not "locked".
      try (Connection other = server.connect("postgres");
          RunLock held = RunLock.acquire(other, "shop/orders-db");
          LogCapture logs = LogCapture.open()) {
        assertThat(fixture.backup().exitCode()).isEqualTo(ExitCode.DUMP_FAILED.code());
        assertThat(logs.text()).contains(refusal).contains("newer client");
      }

      try (LogCapture logs = LogCapture.open()) {
        assertThat(fixture.backup().exitCode()).isEqualTo(ExitCode.DUMP_FAILED.code());
        assertThat(logs.text()).contains(refusal);
      }
      // No history schema was created on the server, and no backup folder in the store.
      assertThat(
              server.psql(
                  "postgres", "SELECT count(*) FROM pg_namespace WHERE nspname = 'dbbackup'"))
          .isEqualTo("0");
      assertThat(fixture.folders()).isEmpty();
    }
  }

  @Test
  void refusesARestoreIntoAnOlderMajorThanTheSourceBeforeTheTargetIsTouched() throws Exception {
    Path older = binDir("14.18.0");
    try (PostgresCluster source = PostgresCluster.start();
        PostgresCluster target = PostgresCluster.start(older)) {
      String sourceVersion = source.psql("postgres", "SHOW server_version");
      String targetVersion = target.psql("postgres", "SHOW server_version");
      assumeTrue(major(target) < major(source), "the system server is PostgreSQL " + sourceVersion);
      SampleData.load(source);
      BackupFixture fixture = new BackupFixture(dir, source);
      assertThat(fixture.backup().exitCode()).isZero();
      // The target holds a database the backup holds too: an overwrite would drop it first.
      target.execute("postgres", "CREATE DATABASE shop");
      target.execute("shop", "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
      Map<String, String> before = contents(target, target.password());

      BackupFixture.Result refused = restore(fixture, target, true);

      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(refused.err())
          .contains("spec.target: the target postgres@" + target.host() + ":" + target.port())
          .contains("runs PostgreSQL " + targetVersion)
          .contains("older major than PostgreSQL " + sourceVersion)
          .contains("restore into a PostgreSQL " + major(source) + " or newer server");
      assertThat(contents(target, target.password())).isEqualTo(before);
      assertThat(target.psql("shop", "SELECT id FROM kept")).isEqualTo("42");
    }
  }

  @Test
  void refusesARestoreIntoAServerOlderThanThePgDumpallThatWroteTheBackup() throws Exception {
    Path older = binDir("14.18.0");
    try (PostgresCluster source = PostgresCluster.start(older);
        PostgresCluster target = PostgresCluster.start(older)) {
      assumeTrue(major(target) < clientMajor(), "the client is PostgreSQL " + clientMajor());
      SampleData.load(source);
      BackupFixture fixture = new BackupFixture(dir, source);
      assertThat(fixture.backup().exitCode()).isZero();
      Map<String, String> before = contents(target, target.password());

      BackupFixture.Result refused = restore(fixture, target, false);

      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(refused.err())
          .contains("spec.target: the target postgres@" + target.host() + ":" + target.port())
          .contains("was written by pg_dumpall (PostgreSQL) " + clientMajor() + ".")
          .contains("LOCALE_PROVIDER")
          .contains("restore into a PostgreSQL " + clientMajor() + " or newer server");
      assertThat(contents(target, target.password())).isEqualTo(before);
    }
  }

  static int major(PostgresCluster pg) {
    return Integer.parseInt(pg.psql("postgres", "SHOW server_version_num")) / 10000;
  }

  /** Runs the fixture's restore of its latest backup into {@code target}. */
  BackupFixture.Result restore(BackupFixture fixture, PostgresCluster target, boolean overwrite) {
    Path resource = RestoreResource.into(target).overwrite(overwrite).write(dir);
    return fixture.run(BackupFixture.testSettings(), "restore", "--restore", resource.toString());
  }

  /** What a restore must reproduce: all but the runner's history and the target's own login. */
  static Map<String, String> contents(PostgresCluster pg, String password) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", password));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }
}
