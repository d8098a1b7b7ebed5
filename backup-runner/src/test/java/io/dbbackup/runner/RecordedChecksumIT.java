package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.ManifestCodec;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.RestoreResource;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup rewritten in the store so that dump, checksum file and manifest all agree: only the
 * SHA-256 recorded in the history database gives it away, and verify and restore check it.
 */
class RecordedChecksumIT {
  @RegisterExtension static final PostgresExtension SOURCE = new PostgresExtension();
  static final Instant DAY0 = Instant.parse("2026-09-01T02:00:00Z");
  static final Instant DAY1 = DAY0.plusSeconds(86_400);
  static final Instant DAY2 = DAY1.plusSeconds(86_400);

  @TempDir static Path pristine;
  @TempDir Path dir;

  static PostgresCluster target;
  static Map<String, String> targetBefore;
  static String older;
  static String newer;
  static String newerSha;
  static String olderSha;

  static RunSettings at(Instant instant) {
    return BackupFixture.testSettings().withClock(Clock.fixed(instant, ZoneOffset.UTC));
  }

  /** Two real backups with history on, and a restore target with data of its own. */
  @BeforeAll
  static void twoBackups() throws Exception {
    SampleData.load(SOURCE.cluster());
    BackupFixture f = new BackupFixture(pristine, SOURCE.cluster());
    assertThat(f.backup(at(DAY0)).exitCode()).isZero();
    assertThat(f.backup(at(DAY1)).exitCode()).isZero();
    older = f.folders().get(0).getFileName().toString();
    newer = f.folders().get(1).getFileName().toString();
    olderSha = manifest(f.backupsRoot().resolve(older)).get("sha256").asText();
    newerSha = manifest(f.backupsRoot().resolve(newer)).get("sha256").asText();
    assertThat(olderSha).isNotEqualTo(newerSha);
    target = PostgresCluster.start();
    target.execute("postgres", "CREATE DATABASE keepme");
    target.execute("keepme", "CREATE TABLE precious (x int); INSERT INTO precious VALUES (42)");
    targetBefore = ClusterDigest.of(target.host(), target.port(), "postgres", target.password());
  }

  @AfterAll
  static void stopTarget() {
    if (target != null) {
      target.close();
    }
  }

  static JsonNode manifest(Path folder) throws IOException {
    return ManifestCodec.mapper().readTree(folder.resolve("manifest.json").toFile());
  }

  /** This test's copy of the two backups, as {@code spec} lines configure them. */
  BackupFixture copy(String... spec) throws IOException {
    return copy(dir, spec);
  }

  static BackupFixture copy(Path in, String... spec) throws IOException {
    BackupFixture f = new BackupFixture(in, SOURCE.cluster());
    for (String line : spec) {
      f.spec(line);
    }
    f.copyTargetOf(pristine.resolve("backups"));
    return f;
  }

  /**
   * The newer backup rewritten consistently: the older one's dump and checksum file, and the
   * manifest's hashes and sizes to match them.
   */
  static void rewriteNewer(BackupFixture f) throws IOException {
    Path from = f.backupsRoot().resolve(older);
    Path to = f.backupsRoot().resolve(newer);
    for (String file : new String[] {"dump.sql.gz", "dump.sql.gz.sha256"}) {
      Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    JsonNode source = manifest(from);
    ObjectNode tree = (ObjectNode) manifest(to);
    for (String field : new String[] {"sha256", "plainSha256", "storedBytes", "dumpBytes"}) {
      tree.set(field, source.get(field));
    }
    Files.write(to.resolve("manifest.json"), ManifestCodec.mapper().writeValueAsBytes(tree));
  }

  Path restoreYaml(String backupId) {
    return RestoreResource.into(target).backupId(backupId).overwrite(true).write(dir);
  }

  @Test
  void anIntactBackupIsCrossCheckedWithHistoryAndAudit() throws Exception {
    BackupFixture f = copy();
    BackupFixture.Result verify = f.run(at(DAY2), "verify", newer);
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out())
        .contains("backup " + newer + " verified")
        .contains("cross-checked with dbbackup.backup_history and dbbackup.backup_audit");
  }

  @Test
  void aConsistentlyRewrittenBackupIsRefusedByVerifyAndRestore() throws Exception {
    BackupFixture f = copy();
    rewriteNewer(f);

    BackupFixture.Result verify = f.run(at(DAY2), "verify", newer);
    assertThat(verify.exitCode()).as(verify.err()).isEqualTo(7);
    assertThat(verify.err())
        .contains("stored sha256 " + olderSha)
        .contains("recorded sha256 " + newerSha + " in dbbackup.backup_history");

    BackupFixture.Result restore =
        f.run(at(DAY2), "restore", "--restore", restoreYaml(newer).toString());
    assertThat(restore.exitCode()).as(restore.err()).isEqualTo(7);
    assertThat(restore.err()).contains(olderSha).contains(newerSha);
    assertThat(ClusterDigest.of(target.host(), target.port(), "postgres", target.password()))
        .isEqualTo(targetBefore);

    // The older backup itself still matches its record.
    assertThat(f.run(at(DAY2), "verify", older).exitCode()).isZero();
  }

  @Test
  void withoutHistoryTheRewriteGoesUnnoticedAndVerifySaysNoCrossCheckWasPossible()
      throws Exception {
    for (String history :
        new String[] {"history: {enabled: false}", "history: {database: nosuchdb}"}) {
      BackupFixture f = copy(dir.resolve(history.contains("false") ? "off" : "missing"), history);
      rewriteNewer(f);
      BackupFixture.Result verify = f.run(at(DAY2), "verify", newer);
      assertThat(verify.exitCode()).as("%s: %s", history, verify.err()).isZero();
      assertThat(verify.out()).as(history).contains("sha256 not cross-checked with history");
    }
  }

  @Test
  void historyThatDisagreesWithTheAuditTrailIsAMismatch() throws Exception {
    BackupFixture f = copy();
    String other = "f".repeat(64);
    SOURCE
        .cluster()
        .execute(
            "postgres",
            "UPDATE dbbackup.backup_history SET sha256 = '"
                + other
                + "' WHERE backup_id = '"
                + newer
                + "'");
    try {
      BackupFixture.Result verify = f.run(at(DAY2), "verify", newer);
      assertThat(verify.exitCode()).as(verify.err()).isEqualTo(7);
      assertThat(verify.err())
          .contains("stored sha256 " + newerSha)
          .contains("recorded sha256 " + other + " in dbbackup.backup_history");
    } finally {
      SOURCE
          .cluster()
          .execute(
              "postgres",
              "UPDATE dbbackup.backup_history SET sha256 = '"
                  + newerSha
                  + "' WHERE backup_id = '"
                  + newer
                  + "'");
    }
  }
}
