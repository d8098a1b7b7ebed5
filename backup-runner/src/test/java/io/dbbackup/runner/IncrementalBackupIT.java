package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: incremental} against a real PostgreSQL: chunks, index and manifest on a volume, the
 * documented stock-tool restore, and deduplication across runs.
 */
class IncrementalBackupIT {
  private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");

  /** The stock-tool recipe of docs/operations.md for an incremental backup (zstd, unencrypted). */
  static String recipe() throws Exception {
    assumeTrue(Files.exists(OPERATIONS), "docs/operations.md beside the module");
    List<String> lines =
        Files.readString(OPERATIONS)
            .lines()
            .filter(l -> l.startsWith("jq -r '.chunks[].file' index.json | "))
            .toList();
    assertThat(lines).as("the incremental restore recipe in docs/operations.md").hasSize(1);
    return lines.getFirst();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  private static BackupFixture incremental(BackupFixture f) throws Exception {
    Files.createDirectories(f.secretsDir().resolve("chunk-key"));
    Files.writeString(
        f.secretsDir().resolve("chunk-key/key"), "0123456789abcdef0123456789abcdef-test-key");
    return f.spec("type: incremental")
        .spec("incremental: {chunkKeySecretRef: {name: chunk-key, key: key}}")
        .spec("compression: {algorithm: zstd}");
  }

  private static List<Path> backups(BackupFixture f) throws Exception {
    try (Stream<Path> s = Files.list(f.backupsRoot())) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}Z-.*"))
          .sorted()
          .toList();
    }
  }

  private static JsonNode json(Path file) throws Exception {
    return JSON.readTree(file.toFile());
  }

  private static void requireTools(String... tools) throws Exception {
    for (String t : tools) {
      Process p = new ProcessBuilder("bash", "-c", "command -v " + t).start();
      assumeTrue(p.waitFor() == 0, t + " is installed");
    }
  }

  @Test
  void storesChunksAnIndexAndAManifestAndTheStockRecipeRestoresIt() throws Exception {
    requireTools("jq", "zstd");
    PostgresCluster source = pgExtension.cluster();
    SampleData.load(source);
    BackupFixture fixture = incremental(new BackupFixture(dir, source));

    BackupFixture.Result r = fixture.backup();
    assertThat(r.exitCode()).as(r.err()).isZero();

    Path backup = fixture.folders().getFirst();
    JsonNode index = json(backup.resolve("index.json"));
    JsonNode manifest = json(backup.resolve("manifest.json"));
    assertThat(manifest.get("file").asText()).isEqualTo("index.json");
    assertThat(manifest.at("/incremental/chunks").asLong()).isEqualTo(index.get("chunks").size());
    // The first backup stores every distinct chunk once: small scripts cut at their restrict keys
    // share pieces (a database's trailer and the next one's header), stored once.
    assertThat(manifest.at("/incremental/newChunks").asLong())
        .isEqualTo(indexed(backup).size())
        .isLessThanOrEqualTo(index.get("chunks").size());
    assertThat(manifest.at("/verification/verified").asBoolean()).isTrue();
    for (JsonNode c : index.get("chunks")) {
      assertThat(c.get("file").asText()).matches("chunks/[0-9a-f]{2}/[0-9a-f]{64}\\.zst");
      Path stored = fixture.backupsRoot().resolve(c.get("file").asText());
      assertThat(Files.size(stored)).isEqualTo(c.get("storedBytes").asLong());
    }
    assertThat(fixture.run(BackupFixture.testSettings(), "verify", "latest").exitCode()).isZero();

    try (PostgresCluster target = PostgresCluster.start()) {
      String output = runInFolder(backup, recipe().replace("<target>", target.host()), target);
      assertThat(output.lines().filter(l -> l.contains("ERROR")).toList())
          .as(output)
          .allMatch(l -> l.contains("already exists"));
      assertThat(digest(target)).isEqualTo(digest(source));
    }
  }

  @Test
  void anUnchangedClusterStoresAlmostNothingAndAnAppendAboutItsBytes() throws Exception {
    PostgresCluster source = pgExtension.cluster();
    source.execute("postgres", "CREATE TABLE big (id int PRIMARY KEY, payload text)");
    source.execute(
        "postgres",
        "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
            + " FROM generate_series(1, 200000) g");
    BackupFixture fixture =
        incremental(new BackupFixture(dir, source)).spec("history: {enabled: false}");

    assertThat(fixture.backup().exitCode()).isZero();
    BackupFixture.Result second = fixture.backup();
    assertThat(second.exitCode()).as(second.err()).isZero();
    source.execute(
        "postgres",
        "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
            + " FROM generate_series(200001, 220000) g");
    assertThat(fixture.backup().exitCode()).isZero();

    List<Path> all = fixture.folders();
    assertThat(all).hasSize(3);
    JsonNode first = json(all.get(0).resolve("manifest.json"));
    JsonNode unchanged = json(all.get(1).resolve("manifest.json"));
    JsonNode appended = json(all.get(2).resolve("manifest.json"));
    long chunks = first.at("/incremental/chunks").asLong();
    assertThat(chunks).as("a dump of ~20 MB").isGreaterThan(8);
    // pg_dump 17.6, 16.10, 15.14 and later write a random restrict key at the start and end of
    // each script (the globals and each database but template0): each key line is a chunk of its
    // own, so an unchanged night stores those lines and nothing else.
    long scripts =
        1
            + Long.parseLong(
                source
                    .psql("postgres", "SELECT count(*) FROM pg_database WHERE datallowconn")
                    .strip());
    assertThat(unchanged.at("/incremental/newChunks").asLong())
        .as("unchanged: new chunks, %d scripts", scripts)
        .isLessThanOrEqualTo(2 * scripts);
    assertThat(unchanged.get("storedBytes").asLong())
        .as("unchanged: stored bytes")
        .isLessThan(first.get("storedBytes").asLong() / 100);
    // 20000 rows of ~110 bytes: ~2 MB plain; the chunks around the append and the key lines
    // are new.
    long added = appended.get("storedBytes").asLong();
    assertThat(appended.at("/incremental/newChunks").asLong())
        .isBetween(2 * scripts + 1, 2 * scripts + 6);
    assertThat(added).isLessThan(first.get("storedBytes").asLong() / 2);
    assertThat(appended.at("/incremental/referencedBytes").asLong())
        .isGreaterThan(first.at("/incremental/referencedBytes").asLong());
  }

  private static java.util.Set<String> storedChunks(BackupFixture f) throws Exception {
    try (Stream<Path> s = Files.walk(f.backupsRoot().resolve("chunks"))) {
      return s.filter(Files::isRegularFile)
          .map(p -> f.backupsRoot().relativize(p).toString())
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  private static java.util.Set<String> indexed(Path backup) throws Exception {
    java.util.Set<String> files = new java.util.HashSet<>();
    json(backup.resolve("index.json"))
        .get("chunks")
        .forEach(c -> files.add(c.get("file").asText()));
    return files;
  }

  private static RunSettings at(String instant) {
    return BackupFixture.testSettings()
        .withClock(
            java.time.Clock.fixed(java.time.Instant.parse(instant), java.time.ZoneOffset.UTC));
  }

  @Test
  void retentionDeletesExpiredBackupsThenOnlyTheChunksNoRemainingIndexNames() throws Exception {
    PostgresCluster source = pgExtension.cluster();
    source.execute(
        "postgres",
        "CREATE TABLE old_data AS SELECT g, md5(g::text) AS m FROM generate_series(1, 60000) g");
    BackupFixture fixture =
        incremental(new BackupFixture(dir, source))
            .retention(5, 1)
            .spec("history: {enabled: false}");
    assertThat(fixture.backup(at("2026-01-01T02:00:00Z")).exitCode()).isZero();
    Path first = fixture.folders().getFirst();
    java.util.Set<String> firstChunks = indexed(first);

    source.execute("postgres", "DROP TABLE old_data");
    source.execute(
        "postgres",
        "CREATE TABLE new_data AS SELECT g, md5((g * 3)::text) AS m FROM generate_series(1, 60000) g");
    // A run that failed after its index (no manifest), still young: its chunks stay.
    Path young = fixture.backupsRoot().resolve("20260110T015900Z-dead");
    Files.createDirectories(young);
    Files.copy(first.resolve("index.json"), young.resolve("index.json"));
    BackupFixture.Result second = fixture.backup(at("2026-01-10T02:00:00Z"));
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(first).doesNotExist();
    assertThat(storedChunks(fixture))
        .as("the young folder's index keeps them")
        .containsAll(firstChunks);

    // Once that folder is gone, a good run sweeps them; every chunk left is named by an index.
    try (Stream<Path> s = Files.walk(young)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    BackupFixture.Result third = fixture.backup(at("2026-01-11T02:00:00Z"));
    assertThat(third.exitCode()).as(third.err()).isZero();
    java.util.Set<String> named = new java.util.HashSet<>();
    for (Path b : fixture.folders()) {
      named.addAll(indexed(b));
    }
    assertThat(storedChunks(fixture)).isEqualTo(named);
    assertThat(firstChunks).anyMatch(c -> !named.contains(c));
    BackupFixture.Result verify = fixture.run(at("2026-01-11T03:00:00Z"), "verify", "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();

    // An index that cannot be read: nothing is deleted at all.
    Path broken = fixture.backupsRoot().resolve("20260120T015900Z-bad0");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("index.json"), "{not json");
    java.util.Set<String> before = storedChunks(fixture);
    source.execute("postgres", "DROP TABLE new_data");
    BackupFixture.Result fourth = fixture.backup(at("2026-01-20T02:00:00Z"));
    assertThat(fourth.exitCode()).as(fourth.err()).isZero();
    // Retention deleted the two earlier backups, whose chunks the sweep would otherwise delete.
    assertThat(fixture.folders()).hasSize(2).contains(broken);
    assertThat(storedChunks(fixture)).containsAll(before);
  }

  @Test
  void aStoreFailureMidUploadLeavesTheEarlierBackupVerifyingAndRestoring() throws Exception {
    requireTools("jq", "zstd");
    PostgresCluster source = pgExtension.cluster();
    source.execute(
        "postgres",
        "CREATE TABLE t1 AS SELECT g, md5(g::text) || md5((g + 1)::text) AS m"
            + " FROM generate_series(1, 80000) g");
    BackupFixture fixture =
        incremental(new BackupFixture(dir, source)).spec("history: {enabled: false}");
    assertThat(fixture.backup().exitCode()).isZero();
    Path first = fixture.folders().getFirst();
    Map<String, String> atFirst = digest(source);

    source.execute(
        "postgres",
        "CREATE TABLE t2 AS SELECT g, md5((g * 5)::text) || md5((g * 9)::text) AS m"
            + " FROM generate_series(1, 80000) g");
    // Every chunk folder the first backup does not use is a file: new chunks cannot be stored.
    Path chunkRoot = fixture.backupsRoot().resolve("chunks");
    List<Path> blockers = new java.util.ArrayList<>();
    for (int i = 0; i < 256; i++) {
      Path p = chunkRoot.resolve(String.format("%02x", i));
      if (!Files.exists(p)) {
        Files.writeString(p, "not a folder");
        blockers.add(p);
      }
    }
    BackupFixture.Result failed = fixture.backup();
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(fixture.folders()).as("the failed run's folder is removed").containsExactly(first);

    BackupFixture.Result verify = fixture.run(BackupFixture.testSettings(), "verify", "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    try (PostgresCluster target = PostgresCluster.start()) {
      runInFolder(first, recipe().replace("<target>", target.host()), target);
      assertThat(digest(target)).isEqualTo(atFirst);
    }

    for (Path p : blockers) {
      Files.delete(p);
    }
    BackupFixture.Result good = fixture.backup();
    assertThat(good.exitCode()).as(good.err()).isZero();
    java.util.Set<String> named = new java.util.HashSet<>();
    for (Path b : fixture.folders()) {
      named.addAll(indexed(b));
    }
    assertThat(storedChunks(fixture)).as("only indexed chunks remain").isEqualTo(named);
  }

  static String runInFolder(Path folder, String line, PostgresCluster target) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-o", "pipefail", "-c", line)
            .directory(folder.toFile())
            .redirectErrorStream(true);
    pb.environment().put("PATH", target.binDir() + ":" + System.getenv("PATH"));
    pb.environment().put("PGPASSWORD", target.password());
    pb.environment().put("PGPORT", Integer.toString(target.port()));
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  private static Map<String, String> digest(PostgresCluster pg) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }
}
