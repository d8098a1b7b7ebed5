package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.support.IncrementalBucket;
import io.dbbackup.runner.support.IncrementalBucket.Output;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: incremental} on a bucket speaking the real S3 protocol, encrypted with a passphrase:
 * one object per chunk, deduplication across runs, verify, a restore by the runner equal to the
 * source, a missing chunk object refused before the target is touched, and retention whose sweep
 * leaves exactly the chunks the remaining indexes name.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IncrementalS3IT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String BUCKET = "inc-backups";
  static final String PREFIX = "nightly";

  @TempDir static Path work;

  static IncrementalBucket bucket;

  @BeforeAll
  static void setUp() {
    bucket = new IncrementalBucket(S3, BUCKET, work);
  }

  @Test
  void chunksOnTheBucketDeduplicateVerifyAndRestore() throws Exception {
    PostgresCluster source = PG.cluster();
    source.execute("postgres", "CREATE TABLE big (id int PRIMARY KEY, payload text)");
    source.execute(
        "postgres",
        "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1,"
            + " 100000) g");
    Path yaml = resource("orders-db", "");
    String root = PREFIX + "/default/orders-db/";

    assertThat(backup(yaml, Clock.systemUTC())).isZero();
    assertThat(backup(yaml, Clock.systemUTC())).isZero();
    List<String> ids = listIds(yaml);
    assertThat(ids).hasSize(2);
    JsonNode first = manifest(root, ids.get(1));
    JsonNode second = manifest(root, ids.get(0));
    assertThat(first.at("/incremental/chunks").asLong()).isGreaterThan(2);
    // The key lines of each script (chunks of their own) and the chunks holding the history and
    // audit rows the first run added are new; the table's chunks are not.
    long scripts =
        1
            + Long.parseLong(
                source
                    .psql("postgres", "SELECT count(*) FROM pg_database WHERE datallowconn")
                    .strip());
    assertThat(second.at("/incremental/newChunks").asLong())
        .as("an unchanged cluster, %d scripts", scripts)
        .isLessThanOrEqualTo(2 * scripts + 2);

    // One object per chunk, encrypted, each named by an index; nothing else under chunks/.
    Set<String> stored = chunkKeys(root);
    assertThat(stored).allMatch(k -> ChunkStore.FILE.matcher(k).matches() && k.endsWith(".gpg"));
    assertThat(stored).isEqualTo(indexed(root, ids));
    assertThat(S3.openUploads(BUCKET)).isEmpty();

    Output verify = runner("verify", yaml, "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();

    try (PostgresCluster target = PostgresCluster.start()) {
      Path restore = restoreFile(target, "latest");
      Output restored = runner("restore", yaml, "--restore", restore.toString());
      assertThat(restored.exitCode()).as(restored.err()).isZero();
      assertThat(digest(target)).isEqualTo(digest(source));
    }

    // A chunk object lost from the bucket: verify names it, restore refuses before the target.
    String lost = indexedList(root, ids.get(0)).get(1);
    S3.client().deleteObject(b -> b.bucket(BUCKET).key(root + lost));
    Output broken = runner("verify", yaml, "latest");
    assertThat(broken.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(broken.err()).contains(lost.substring(lost.lastIndexOf('/') + 1, 30));
    try (PostgresCluster target = PostgresCluster.start()) {
      Output refused =
          runner("restore", yaml, "--restore", restoreFile(target, ids.get(0)).toString());
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(7);
      assertThat(target.psql("postgres", "SELECT count(*) FROM pg_tables WHERE tablename = 'big'"))
          .isEqualTo("0");
    }
  }

  @Test
  void retentionSweepsTheChunksOnlyExpiredBackupsNamed() throws Exception {
    PostgresCluster source = PG.cluster();
    source.execute("postgres", "CREATE TABLE kept (id int, payload text)");
    source.execute(
        "postgres",
        "INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(1, 50000) g;"
            + " CREATE TABLE gone (id int, payload text);"
            + " INSERT INTO gone SELECT g, md5((g * 31)::text) || md5((g * 17)::text)"
            + " FROM generate_series(1, 60000) g");
    Path yaml = resource("sweep-db", "retention: {days: 30, minKeep: 1}");
    String root = PREFIX + "/default/sweep-db/";
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    assertThat(backup(yaml, Clock.fixed(now.minus(Duration.ofDays(40)), ZoneOffset.UTC))).isZero();
    Set<String> withGone = chunkKeys(root);
    source.execute("postgres", "DROP TABLE gone");
    assertThat(backup(yaml, Clock.fixed(now, ZoneOffset.UTC))).isZero();

    List<String> ids = listIds(yaml);
    assertThat(ids).as("the 40-day-old backup expired").hasSize(1);
    Set<String> left = chunkKeys(root);
    assertThat(left).as("only the chunks the remaining index names").isEqualTo(indexed(root, ids));
    assertThat(withGone).as("the expired backup's own chunks were swept").isNotEmpty();
    assertThat(withGone.stream().filter(k -> !left.contains(k)).count()).isPositive();
    Output verify = runner("verify", yaml, "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();
  }

  // --- helpers (support/IncrementalBucket)

  static JsonNode manifest(String root, String id) throws IOException {
    return bucket.manifest(root, id);
  }

  static Set<String> chunkKeys(String root) {
    return bucket.chunkKeys(root);
  }

  static List<String> indexedList(String root, String id) throws IOException {
    return bucket.indexedList(root, id);
  }

  static Set<String> indexed(String root, List<String> ids) throws IOException {
    return bucket.indexed(root, ids);
  }

  static Map<String, String> digest(PostgresCluster pg) throws Exception {
    return IncrementalBucket.digest(pg);
  }

  static int backup(Path yaml, Clock clock) {
    return bucket.run(RunSettings.defaults().withClock(clock), "backup", yaml).exitCode();
  }

  static Output runner(String command, Path yaml, String... more) {
    return bucket.run(command, yaml, more);
  }

  static List<String> listIds(Path yaml) throws IOException {
    return bucket.listIds(yaml);
  }

  static Path restoreFile(PostgresCluster target, String backupId) throws IOException {
    return bucket.restoreFile(target, "orders-db", backupId);
  }

  static Path resource(String name, String extra) {
    return bucket.resource(name, PG.cluster(), S3.endpoint(), extra);
  }
}
