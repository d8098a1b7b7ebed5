package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real backups in a volume, then changed behind the runner's back as anyone who can write the store
 * could: every change is refused by verify (exit 7) and by restore before the target is touched,
 * and none makes the next backup's retention delete anything.
 */
class StoreTamperingIT {
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

  static RunSettings at(Instant instant) {
    return BackupFixture.testSettings().withClock(Clock.fixed(instant, ZoneOffset.UTC));
  }

  static BackupFixture fixture(Path in) {
    return new BackupFixture(in, SOURCE.cluster()).spec("timeoutMinutes: 60");
  }

  /** Two real backups, a day apart, made once; each test works on its own copy. */
  @BeforeAll
  static void twoBackupsAndATargetWithDataOfItsOwn() throws Exception {
    SampleData.load(SOURCE.cluster());
    BackupFixture f = fixture(pristine);
    assertThat(f.backup(at(DAY0)).exitCode()).isZero();
    assertThat(f.backup(at(DAY1)).exitCode()).isZero();
    older = f.folders().get(0).getFileName().toString();
    newer = f.folders().get(1).getFileName().toString();
    target = PostgresCluster.start();
    target.execute("postgres", "CREATE DATABASE shop");
    target.execute("shop", "CREATE TABLE stale (x int); INSERT INTO stale VALUES (1)");
    target.execute("postgres", "CREATE DATABASE keepme");
    target.execute("keepme", "CREATE TABLE precious (x int); INSERT INTO precious VALUES (42)");
    targetBefore = digest(target);
  }

  @AfterAll
  static void stopTarget() {
    if (target != null) {
      target.close();
    }
  }

  static Map<String, String> digest(PostgresCluster pg) throws Exception {
    return ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password());
  }

  /** This test's copy of the two backups. */
  BackupFixture copy() throws IOException {
    BackupFixture f = fixture(dir);
    f.copyTargetOf(pristine.resolve("backups"));
    return f;
  }

  /** What someone with write access to the store did to the newer backup. */
  enum Tampering {
    FILE_OUTSIDE(m -> m.put("file", "../../../../etc/passwd")),
    FILE_ABSOLUTE(m -> m.put("file", "/etc/passwd")),
    FILE_OF_ANOTHER_BACKUP(m -> m.put("file", "../" + older + "/dump.sql.gz")),
    WRONG_TYPE(m -> m.put("dumpBytes", "lots")),
    HUGE_SIZE(m -> m.put("storedBytes", Long.MAX_VALUE)),
    ID_OF_ANOTHER_BACKUP(m -> m.put("id", older)),
    START_IN_2999(m -> m.put("startTime", "2999-01-01T00:00:00Z")),
    NEWER_FORMAT(m -> m.put("formatVersion", 99)),
    UNKNOWN_COMPRESSION(m -> ((ObjectNode) m.get("compression")).put("algorithm", "lz4")),
    NOT_JSON(null),
    DUMP_TRUNCATED(null),
    DUMP_BIT_FLIPPED(null),
    DUMP_OF_ANOTHER_BACKUP(null),
    DUMP_AND_CHECKSUM_OF_ANOTHER_BACKUP(null);

    final java.util.function.Consumer<ObjectNode> edit;

    Tampering(java.util.function.Consumer<ObjectNode> edit) {
      this.edit = edit;
    }

    boolean ofManifest() {
      return !name().startsWith("DUMP_");
    }

    void apply(Path root) throws IOException {
      Path folder = root.resolve(newer);
      Path manifest = folder.resolve("manifest.json");
      Path dump = folder.resolve("dump.sql.gz");
      Path otherDump = root.resolve(older).resolve("dump.sql.gz");
      switch (this) {
        case NOT_JSON -> Files.writeString(manifest, "{\"formatVersion\": 1, \"id\": \"");
        case DUMP_TRUNCATED -> {
          byte[] b = Files.readAllBytes(dump);
          Files.write(dump, java.util.Arrays.copyOf(b, b.length / 2));
        }
        case DUMP_BIT_FLIPPED -> {
          byte[] b = Files.readAllBytes(dump);
          b[b.length / 2] ^= 0x01;
          Files.write(dump, b);
        }
        case DUMP_OF_ANOTHER_BACKUP -> Files.copy(otherDump, dump, REPLACE);
        case DUMP_AND_CHECKSUM_OF_ANOTHER_BACKUP -> {
          Files.copy(otherDump, dump, REPLACE);
          Files.copy(
              root.resolve(older).resolve("dump.sql.gz.sha256"),
              folder.resolve("dump.sql.gz.sha256"),
              REPLACE);
        }
        default -> {
          ObjectNode tree = (ObjectNode) ManifestCodec.mapper().readTree(manifest.toFile());
          edit.accept(tree);
          Files.write(manifest, ManifestCodec.mapper().writeValueAsBytes(tree));
        }
      }
    }
  }

  static final java.nio.file.CopyOption REPLACE = java.nio.file.StandardCopyOption.REPLACE_EXISTING;

  Path restoreYaml(String backupId) {
    return RestoreResource.into(target).backupId(backupId).overwrite(true).write(dir);
  }

  @ParameterizedTest
  @EnumSource(Tampering.class)
  void aTamperedBackupIsRefusedBeforeTheTargetIsTouchedAndNothingIsDeleted(Tampering t)
      throws Exception {
    BackupFixture f = copy();
    t.apply(f.backupsRoot());
    List<Path> folders = f.folders();

    for (String id : List.of("latest", newer)) {
      BackupFixture.Result verify = f.run(at(DAY2), "verify", id);
      assertThat(verify.exitCode()).as("verify %s: %s", id, verify.err()).isEqualTo(7);
      assertThat(verify.err()).contains("backup " + newer);
      if (t.ofManifest()) {
        assertThat(verify.err()).contains(newer + "/manifest.json");
      }

      BackupFixture.Result restore =
          f.run(at(DAY2), "restore", "--restore", restoreYaml(id).toString());
      assertThat(restore.exitCode()).as("restore %s: %s", id, restore.err()).isEqualTo(7);
      assertThat(digest(target)).isEqualTo(targetBefore);
    }
    // The older backup is still sound and verifiable.
    assertThat(f.run(at(DAY2), "verify", older).exitCode()).isZero();

    BackupFixture.Result next = f.backup(at(DAY2));
    assertThat(next.exitCode()).as(next.err()).isZero();
    assertThat(f.folders()).containsAll(folders).hasSize(folders.size() + 1);
  }

  @Test
  void anOldBackupClaimingTheYear2999IsNotTakenForTheLatest() throws Exception {
    BackupFixture f = copy();
    Path manifest = f.backupsRoot().resolve(older).resolve("manifest.json");
    ObjectNode tree = (ObjectNode) ManifestCodec.mapper().readTree(manifest.toFile());
    tree.put("startTime", "2999-01-01T00:00:00Z");
    Files.write(manifest, ManifestCodec.mapper().writeValueAsBytes(tree));

    BackupFixture.Result verify = f.run(at(DAY2), "verify", "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out()).startsWith("backup " + newer + " verified");
    BackupFixture.Result list = f.run(at(DAY2), "list");
    assertThat(list.out()).contains(newer).doesNotContain(older);
    assertThat(list.err()).contains(older).contains("field startTime");
  }

  @Test
  void anOverwriteDropsOnlyTheDatabasesTheDumpHoldsNotThoseTheManifestLists() throws Exception {
    BackupFixture f = copy();
    Path manifest = f.backupsRoot().resolve(newer).resolve("manifest.json");
    ObjectNode tree = (ObjectNode) ManifestCodec.mapper().readTree(manifest.toFile());
    tree.withArray("databases").addObject().put("name", "keepme").put("sizeBytes", 1);
    Files.write(manifest, ManifestCodec.mapper().writeValueAsBytes(tree));

    try (PostgresCluster other = PostgresCluster.start()) {
      other.execute("postgres", "CREATE DATABASE keepme");
      other.execute("keepme", "CREATE TABLE precious (x int); INSERT INTO precious VALUES (42)");
      other.execute("postgres", "CREATE DATABASE shop");
      PostgresCluster saved = target;
      target = other;
      try {
        BackupFixture.Result r =
            f.run(at(DAY2), "restore", "--restore", restoreYaml("latest").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
      } finally {
        target = saved;
      }
      assertThat(other.psql("keepme", "SELECT x FROM precious")).isEqualTo("42");
      assertThat(other.psql("shop", "SELECT count(*) FROM public.orders")).isNotEqualTo("0");
    }
  }
}
