package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.RestoreResource;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup-runner restore}: a DatabaseRestore carried out against real servers. */
class RestoreIT {
  @RegisterExtension static final PostgresExtension SOURCE = new PostgresExtension();

  @TempDir Path dir;

  @BeforeAll
  static void loadSampleData() {
    SampleData.load(SOURCE.cluster());
  }

  Path restoreYaml(PostgresCluster target, String backupId, boolean overwrite) throws Exception {
    return restoreYaml(target, backupId, overwrite, List.of());
  }

  Path restoreYaml(
      PostgresCluster target, String backupId, boolean overwrite, List<String> databases) {
    return RestoreResource.into(target)
        .backupId(backupId)
        .overwrite(overwrite)
        .databases("[" + String.join(", ", databases) + "]")
        .write(dir);
  }

  /** What a restore must reproduce: all but the runner's history and the target's own login. */
  static Map<String, String> contents(PostgresCluster pg, String password) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", password));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }

  @Test
  void restoresTheLatestBackupIntoAnEmptyServerAsItWasAndKeepsTheTargetsLogin() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, SOURCE.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    String id = fixture.folders().getFirst().getFileName().toString();

    Path result = dir.resolve("termination-log");
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result r =
          restore(
              fixture, restoreYaml(target, "latest", false), "--result-file", result.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).contains("restored backup " + id);
      // What the controller reads from the container's termination message.
      JsonNode outcome = new ObjectMapper().readTree(result.toFile());
      assertThat(outcome.get("exitCode").asInt()).isZero();
      assertThat(outcome.get("backupId").asText()).isEqualTo(id);
      assertThat(outcome.get("message").asText()).startsWith("restored backup " + id + " (");
      // The target's superuser still logs in with its own password (ClusterDigest does).
      assertThat(contents(target, target.password()))
          .isEqualTo(contents(SOURCE.cluster(), SOURCE.cluster().password()))
          .containsKeys("shop table public.orders", "role shop_app", "shop large object 424242");
    }
  }

  @Test
  void refusesANonEmptyTargetUnlessOverwriteWhichReplacesTheBackupsDatabases() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, SOURCE.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    try (PostgresCluster target = PostgresCluster.start()) {
      target.execute("postgres", "CREATE DATABASE shop");
      target.execute("shop", "CREATE TABLE stale (x int); INSERT INTO stale VALUES (1)");
      target.execute("postgres", "CREATE DATABASE keepme");

      Path result = dir.resolve("termination-log");
      BackupFixture.Result refused =
          restore(
              fixture, restoreYaml(target, "latest", false), "--result-file", result.toString());
      assertThat(refused.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(refused.err())
          .contains("spec.overwrite")
          .contains("is not empty")
          .contains("shop");
      JsonNode outcome = new ObjectMapper().readTree(result.toFile());
      assertThat(outcome.get("exitCode").asInt()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(outcome.has("backupId")).isFalse();
      assertThat(outcome.get("message").asText()).contains("spec.overwrite").contains("shop");
      assertThat(target.psql("shop", "SELECT count(*) FROM stale")).isEqualTo("1");

      BackupFixture.Result replaced = restore(fixture, restoreYaml(target, "latest", true));
      assertThat(replaced.exitCode()).as(replaced.err()).isZero();
      Map<String, String> restored = contents(target, target.password());
      assertThat(restored).doesNotContainKey("shop table public.stale");
      assertThat(restored).containsKey("database keepme");
      restored.remove("database keepme");
      assertThat(restored).isEqualTo(contents(SOURCE.cluster(), SOURCE.cluster().password()));
    }
  }

  static BackupFixture.Result restore(BackupFixture fixture, Path restoreYaml, String... args) {
    List<String> argv = new ArrayList<>(List.of("--restore", restoreYaml.toString()));
    argv.addAll(List.of(args));
    return fixture.run(BackupFixture.testSettings(), "restore", argv.toArray(String[]::new));
  }

  /** The digest entries of {@code databases}, of every role, and the databases every server has. */
  static Map<String, String> only(Map<String, String> digest, String... databases) {
    Map<String, String> d = new TreeMap<>(digest);
    d.keySet()
        .removeIf(
            k ->
                !k.startsWith("role ")
                    && !k.equals("database postgres")
                    && !k.equals("database template1")
                    && Stream.of(databases)
                        .noneMatch(db -> k.equals("database " + db) || k.startsWith(db + " ")));
    return d;
  }

  @Test
  void restoresOnlyTheSelectedDatabasesEvenWhenTheirDataLooksLikeTheScriptsSections()
      throws Exception {
    PostgresCluster source = SOURCE.cluster();
    source.execute("postgres", "CREATE DATABASE billing");
    try {
      // Rows and a function body that read like pg_dumpall's section markers.
      source.execute(
          "billing",
          "CREATE TABLE invoices (id int PRIMARY KEY, note text);"
              + " INSERT INTO invoices VALUES (1, '--'), (2, '-- Database \"shop\" dump'),"
              + " (3, '-- PostgreSQL database dump complete'), (4, E'--\\n-- Database \"shop\" dump');"
              + " CREATE FUNCTION marker() RETURNS text LANGUAGE sql AS $$ SELECT 1::text\n--\n"
              + "-- Database \"shop\" dump\n--\n$$;");
      BackupFixture fixture = new BackupFixture(dir, source);
      assertThat(fixture.backup().exitCode()).isZero();
      Map<String, String> all = contents(source, source.password());
      assertThat(all).containsKeys("database billing", "billing table public.invoices");

      try (PostgresCluster target = PostgresCluster.start()) {
        BackupFixture.Result shop =
            restore(fixture, restoreYaml(target, "latest", false, List.of("shop")));
        assertThat(shop.exitCode()).as(shop.err()).isZero();
        Map<String, String> restored = contents(target, target.password());
        assertThat(restored).isEqualTo(only(all, "shop"));

        // billing next, into a target that holds shop: nothing of billing there, no overwrite.
        BackupFixture.Result billing =
            restore(fixture, restoreYaml(target, "latest", false, List.of("billing")));
        assertThat(billing.exitCode()).as(billing.err()).isZero();
        assertThat(contents(target, target.password())).isEqualTo(only(all, "shop", "billing"));
        assertThat(target.psql("billing", "SELECT marker()")).isEqualTo("1");

        // shop again: the target holds it now.
        BackupFixture.Result again =
            restore(fixture, restoreYaml(target, "latest", false, List.of("shop")));
        assertThat(again.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
        assertThat(again.err()).contains("spec.overwrite").contains("already holds shop");

        BackupFixture.Result unknown =
            restore(fixture, restoreYaml(target, "latest", false, List.of("shop", "crm")));
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
        assertThat(unknown.err())
            .contains("spec.databases: backup ")
            .contains("holds no database crm");
      }
    } finally {
      source.execute("postgres", "DROP DATABASE IF EXISTS billing WITH (FORCE)");
    }
  }

  @Test
  void refusesATamperedBackupBeforeTouchingTheTarget() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, SOURCE.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    Path dump = fixture.folders().getFirst().resolve("dump.sql.gz");
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(dump, bytes);
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result r = restore(fixture, restoreYaml(target, "latest", false));
      assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
      assertThat(target.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'shop'"))
          .isEqualTo("0");
    }
  }

  @Test
  void anUnknownBackupIdIsAConfigErrorNamingTheField() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, SOURCE.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result r =
          restore(fixture, restoreYaml(target, "20200101T000000Z-abcd", false));
      assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(r.err()).contains("spec.backupId: no good backup 20200101T000000Z-abcd");
    }
  }
}
