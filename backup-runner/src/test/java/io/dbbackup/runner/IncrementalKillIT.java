package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.DumpProcesses;
import io.dbbackup.runner.support.IncrementalBucket;
import io.dbbackup.runner.support.IncrementalBucket.Output;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.FaultProxy.Rule;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental backups to a bucket whose runner is SIGKILLed (in a JVM of its own) at the points
 * where a run leaves the store half-changed: mid-upload of the chunks, after the index but before
 * the manifest, mid-retention (an expired backup's manifest gone, its index not) and mid-sweep. A
 * {@link FaultProxy} in front of the S3 server hangs the request the run must reach, and the run is
 * killed there. Afterwards every remaining backup verifies in full and restores equal to the
 * source, no chunk a remaining index names is gone, the killed run's leftovers are no backup, and
 * the next run succeeds and leaves exactly the chunks the remaining indexes name.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class IncrementalKillIT {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String NAME = "kill-db";
  static final String ROOT = IncrementalBucket.root(NAME);
  static final String RETENTION = "retention: {days: 30, minKeep: 1}";
  static final Duration REACH = Duration.ofSeconds(120);

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path work;

  FaultProxy proxy;
  IncrementalBucket bucket;
  PostgresCluster source;
  Path yaml;
  RunStopIT.Child child;
  final Set<String> restored = new TreeSet<>();

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    proxy = FaultProxy.in(S3);
    bucket = new IncrementalBucket(S3, "k-" + UUID.randomUUID().toString().substring(0, 8), work);
    source = pgExtension.cluster();
    // ~2 MB of dump: a few chunks shared by every backup
    table("base", 1, 30_000);
    yaml = bucket.resource(NAME, source, proxy.endpoint(), RETENTION);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (child != null && child.process().isAlive()) {
      child.process().destroyForcibly();
      child.process().waitFor(30, TimeUnit.SECONDS);
    }
    proxy.close();
  }

  @Test
  void killedMidUploadThenBeforeTheManifestTheBackupStandsAndTheLeftoversGoWhenAbandoned()
      throws Exception {
    String a = backup(Clock.systemUTC());
    Map<String, String> atA = IncrementalBucket.digest(source);
    Set<String> chunksOfA = bucket.indexed(ROOT, List.of(a));
    table("extra", 500_000, 60_000); // new chunks for the next runs to store

    // Mid-upload: two chunk PUTs through, a later one hangs.
    proxy.add(Rule.on("PUT", chunkPath()).pass().times(2));
    Rule upload = proxy.add(Rule.on("PUT", chunkPath()).hang().always());
    killWhen(upload, () -> strays(chunksOfA).size() >= 2, "two chunks stored, a later one sent");
    assertThat(bucket.listIds(yaml)).as("only the committed backup").containsExactly(a);
    assertThat(bucket.indexedFolders(ROOT)).as("the killed run wrote no index").containsExactly(a);
    Set<String> strays = strays(chunksOfA);
    assertThat(strays).as("chunks the killed run stored").hasSizeGreaterThanOrEqualTo(2);
    assertEveryBackupVerifiesAndRestores(Map.of(a, atA));

    // After the index (and the run's own read-back), before the manifest.
    Rule manifest =
        proxy.add(Rule.on("PUT", folderPath() + "[^/]+/manifest\\.json").hang().always());
    killWhen(manifest, () -> true, "the manifest PUT");
    assertThat(bucket.listIds(yaml))
        .as("a folder without manifest is no backup")
        .containsExactly(a);
    Set<String> indexedNow = bucket.indexedFolders(ROOT);
    assertThat(indexedNow).hasSize(2).contains(a);
    String half = indexedNow.stream().filter(id -> !id.equals(a)).findFirst().orElseThrow();
    assertThat(bucket.files(ROOT)).doesNotContain(half + "/manifest.json");
    assertEveryBackupVerifiesAndRestores(Map.of(a, atA));

    // The next run, while the killed one is younger than the run timeout: its folder and the
    // chunks only its index names are kept.
    source.execute("postgres", "DROP TABLE extra");
    String c = backup(Clock.systemUTC());
    assertThat(bucket.listIds(yaml)).containsExactly(c, a);
    Set<String> onlyHalf = new TreeSet<>(bucket.indexed(ROOT, List.of(half)));
    onlyHalf.removeAll(bucket.indexed(ROOT, List.of(a, c)));
    assertThat(onlyHalf)
        .as("chunks of the dropped table, named by the half index only")
        .isNotEmpty();
    assertThat(bucket.indexedFolders(ROOT)).containsExactlyInAnyOrder(a, half, c);
    // The strays of the first kill the half run did not store again (each dump differs a little:
    // pg_dumpall's random \restrict keys) were swept; the ones it recorded in its index are kept.
    assertStoreHoldsExactlyTheIndexedChunks();

    // Once it is older than the run timeout (120 min), a run removes its folder, then its chunks.
    String d = backup(Clock.offset(Clock.systemUTC(), Duration.ofHours(3)));
    assertThat(bucket.listIds(yaml)).containsExactly(d, c, a);
    assertThat(bucket.indexedFolders(ROOT)).containsExactlyInAnyOrder(a, c, d);
    assertThat(bucket.files(ROOT)).noneMatch(f -> f.startsWith(half + "/"));
    assertStoreHoldsExactlyTheIndexedChunks();
    assertThat(bucket.chunkKeys(ROOT)).doesNotContainAnyElementsOf(onlyHalf);
    assertThat(bucket.chunkKeys(ROOT)).doesNotContainAnyElementsOf(strays);
    assertEveryBackupVerifies(List.of(d, c, a));
  }

  @Test
  void killedMidRetentionThenMidSweepTheBackupsStandAndTheNextRunFinishesTheSweep()
      throws Exception {
    // A backup 40 days old holding a table dropped since: the next run's retention expires it.
    table("gone", 800_000, 60_000);
    String expired = backup(Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC));
    source.execute("postgres", "DROP TABLE gone");
    Map<String, String> now = IncrementalBucket.digest(source);

    // Mid-retention: the expired backup's manifest is deleted first, its index hangs.
    Rule index = proxy.add(Rule.on("DELETE", folderPath() + expired + "/index\\.json").hang());
    killWhen(index, () -> true, "the DELETE of the expired index");
    List<String> listed = bucket.listIds(yaml);
    assertThat(listed).hasSize(1).doesNotContain(expired);
    String b = listed.getFirst();
    assertThat(bucket.files(ROOT))
        .as("manifest deleted first, the index not yet")
        .contains(expired + "/index.json")
        .doesNotContain(expired + "/manifest.json");
    assertThat(bucket.chunkKeys(ROOT))
        .as("no sweep ran: every chunk of both indexes")
        .containsAll(bucket.indexed(ROOT, List.of(expired, b)));
    Set<String> onlyExpired = new TreeSet<>(bucket.indexed(ROOT, List.of(expired)));
    onlyExpired.removeAll(bucket.indexed(ROOT, List.of(b)));
    assertThat(onlyExpired).as("chunks of the dropped table").hasSizeGreaterThanOrEqualTo(3);
    assertEveryBackupVerifiesAndRestores(Map.of(b, now));

    // Mid-sweep: the next run removes the abandoned folder, deletes two of its chunks, hangs.
    proxy.add(Rule.on("DELETE", chunkPath()).pass().times(2));
    Rule sweep = proxy.add(Rule.on("DELETE", chunkPath()).hang().always());
    killWhen(sweep, () -> true, "the third chunk DELETE");
    listed = bucket.listIds(yaml);
    assertThat(listed).hasSize(2).contains(b);
    String c = listed.getFirst();
    assertThat(bucket.files(ROOT)).noneMatch(f -> f.startsWith(expired + "/"));
    Set<String> left = new TreeSet<>(bucket.chunkKeys(ROOT));
    left.removeAll(bucket.indexed(ROOT, List.of(b, c)));
    assertThat(onlyExpired).containsAll(left);
    assertThat(onlyExpired.size() - left.size()).as("chunks the killed sweep deleted").isEqualTo(2);
    assertEveryBackupVerifiesAndRestores(Map.of(b, now, c, now));

    // The next run finishes the sweep: it deletes what was left, and only that.
    Set<String> before = bucket.chunkKeys(ROOT);
    String d = backup(Clock.systemUTC());
    assertThat(bucket.listIds(yaml)).containsExactly(d, c, b);
    assertStoreHoldsExactlyTheIndexedChunks();
    Set<String> deleted = new TreeSet<>(before);
    deleted.removeAll(bucket.chunkKeys(ROOT));
    assertThat(deleted).as("the next sweep deleted exactly the unreferenced").isEqualTo(left);
    assertEveryBackupVerifies(List.of(d, c, b));
  }

  // --- helpers

  /** A table of {@code rows} rows of hex, distinct for distinct {@code from}. */
  void table(String name, int from, int rows) {
    source.execute(
        "postgres",
        "CREATE TABLE "
            + name
            + " AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS v FROM generate_series("
            + from
            + ", "
            + (from + rows - 1)
            + ") g");
  }

  String folderPath() {
    return "/" + bucket.bucket() + "/" + ROOT;
  }

  String chunkPath() {
    return folderPath() + "chunks/.+";
  }

  /** A good backup run in-process at {@code clock}; its id. */
  String backup(Clock clock) throws IOException {
    Set<String> before = new TreeSet<>(bucket.indexedFolders(ROOT));
    Output run = bucket.run(RunSettings.defaults().withClock(clock), "backup", yaml);
    assertThat(run.exitCode()).as(run.text()).isZero();
    Set<String> now = new TreeSet<>(bucket.indexedFolders(ROOT));
    now.removeAll(before);
    assertThat(now).hasSize(1);
    return now.iterator().next();
  }

  /**
   * Starts a backup in a JVM of its own and SIGKILLs it once {@code reached} has fired and {@code
   * also} holds; then clears the proxy's rules.
   */
  void killWhen(Rule reached, java.util.function.BooleanSupplier also, String what)
      throws Exception {
    child = RunStopIT.Child.backup(yaml, bucket.secretsDir());
    boolean there =
        reached.awaitFired(REACH)
            && DumpProcesses.await((int) REACH.toSeconds(), also)
            && child.process().isAlive();
    child.process().destroyForcibly(); // SIGKILL: no chance to clean up
    assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    child.drained();
    assertThat(there).as("the run reached %s: %s", what, child.output()).isTrue();
    proxy.clearRules();
    // The control connection died with the runner, and with it the run lock; the dump goes too.
    assertThat(DumpProcesses.await(30, () -> DumpProcesses.of(source.port()).isEmpty()))
        .as("dump processes left")
        .isTrue();
  }

  Set<String> strays(Set<String> known) {
    Set<String> s = new TreeSet<>(bucket.chunkKeys(ROOT));
    s.removeAll(known);
    return s;
  }

  /** Every chunk some index names (with or without a manifest) is there, and nothing else. */
  void assertStoreHoldsExactlyTheIndexedChunks() throws IOException {
    assertThat(bucket.chunkKeys(ROOT)).isEqualTo(bucket.indexed(ROOT, bucket.indexedFolders(ROOT)));
  }

  /**
   * {@code verify} with the passphrase and the chunk key (every chunk read, decrypted, decompressed
   * and its HMAC compared with its name): {@code latest}, which must be the first of {@code
   * newestFirst}, then the others by id.
   */
  void assertEveryBackupVerifies(List<String> newestFirst) {
    for (int i = 0; i < newestFirst.size(); i++) {
      String id = newestFirst.get(i);
      Output v = bucket.run("verify", yaml, i == 0 ? "latest" : id);
      assertThat(v.exitCode()).as(v.text()).isZero();
      assertThat(v.out()).contains("backup " + id + " verified").contains("every HMAC matches");
    }
  }

  /**
   * The backups listed are exactly {@code expected}'s; each verifies in full and restores into a
   * new cluster holding what the source held when it was taken; no chunk an index names is gone.
   */
  void assertEveryBackupVerifiesAndRestores(Map<String, Map<String, String>> expected)
      throws Exception {
    List<String> ids = bucket.listIds(yaml);
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(bucket.chunkKeys(ROOT))
        .as("every chunk a remaining index names")
        .containsAll(bucket.indexed(ROOT, bucket.indexedFolders(ROOT)));
    assertEveryBackupVerifies(ids);
    for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
      if (!restored.add(e.getKey())) {
        continue; // restored once already: the full verify shows its chunks are still all there
      }
      try (PostgresCluster target = PostgresCluster.start()) {
        Path restore = bucket.restoreFile(target, NAME, e.getKey());
        Output r = bucket.run("restore", yaml, "--restore", restore.toString());
        assertThat(r.exitCode()).as(r.text()).isZero();
        assertThat(IncrementalBucket.digest(target)).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }
}
