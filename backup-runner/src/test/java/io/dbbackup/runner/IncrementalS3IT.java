package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    S3.createBucket(BUCKET);
    PostgresCluster pg = PG.cluster();
    secret("pg", "password", pg.password());
    secret("s3-creds", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY + "\n");
    secret("s3-creds", "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY + "\n");
    secret("chunk-key", "key", "0123456789abcdef0123456789abcdef-s3-test-key");
    secret("pass", "passphrase", "correct horse battery staple\n");
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
    assertThat(second.at("/incremental/newChunks").asLong())
        .as("an unchanged cluster")
        .isLessThanOrEqualTo(4);

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

  // --- helpers

  static JsonNode manifest(String root, String id) throws IOException {
    return JSON.readTree(object(root + id + "/manifest.json"));
  }

  static byte[] object(String key) {
    return S3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
  }

  static Set<String> chunkKeys(String root) {
    Set<String> keys = new TreeSet<>();
    for (String k : S3.keys(BUCKET, root + ChunkStore.FOLDER + "/")) {
      keys.add(k.substring(root.length()));
    }
    return keys;
  }

  static List<String> indexedList(String root, String id) throws IOException {
    List<String> files = new ArrayList<>();
    for (JsonNode c : JSON.readTree(object(root + id + "/index.json")).get("chunks")) {
      files.add(c.get("file").asText());
    }
    return files;
  }

  static Set<String> indexed(String root, List<String> ids) throws IOException {
    Set<String> all = new TreeSet<>();
    for (String id : ids) {
      all.addAll(indexedList(root, id));
    }
    return all;
  }

  static Map<String, String> digest(PostgresCluster pg) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }

  record Output(int exitCode, String out, String err) {}

  static int backup(Path yaml, Clock clock) {
    return RunnerMain.execute(
        RunSettings.defaults().withClock(clock),
        "backup",
        "-f",
        yaml.toString(),
        "--secrets-dir",
        work.resolve("secrets").toString());
  }

  static Output runner(String command, Path yaml, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "-f",
                yaml.toString(),
                "--secrets-dir",
                work.resolve("secrets").toString()));
    args.addAll(List.of(more));
    int code =
        RunnerMain.commandLine(RunSettings.defaults(), new PrintWriter(out), new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    return new Output(code, out.toString(), err.toString());
  }

  static List<String> listIds(Path yaml) throws IOException {
    Output list = runner("list", yaml, "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    List<String> ids = new ArrayList<>();
    for (JsonNode m : JSON.readTree(list.out())) {
      ids.add(m.get("id").asText());
    }
    return ids;
  }

  static Path restoreFile(PostgresCluster target, String backupId) throws IOException {
    secret("target-pg", "password", target.password());
    Path file = Files.createTempFile(work, "restore", ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: r, namespace: default}
        spec:
          backupRef: {name: %s}
          backupId: %s
          decryption: {passphraseSecretRef: {name: pass, key: passphrase}}
          target:
            host: %s
            port: %d
            user: %s
            passwordSecretRef: {name: target-pg, key: password}
        """
            .formatted("orders-db", backupId, target.host(), target.port(), target.superuser()));
    return file;
  }

  static Path resource(String name, String extra) throws IOException {
    PostgresCluster pg = PG.cluster();
    String yaml =
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseBackup
        metadata: {name: %s, namespace: default}
        spec:
          schedule: "0 2 * * *"
          type: incremental
          incremental: {chunkKeySecretRef: {name: chunk-key, key: key}}
          compression: {algorithm: zstd}
          encryption: {passphraseSecretRef: {name: pass, key: passphrase}}
          history: {enabled: false}
          database:
            host: %s
            port: %d
            user: %s
            passwordSecretRef: {name: pg, key: password}
            connectRetry: {attempts: 1, initialIntervalSeconds: 1}
          storage:
            s3:
              bucket: %s
              prefix: %s
              endpoint: %s
              region: %s
              forcePathStyle: true
              credentialsSecretRef: {name: s3-creds}
          %s
        """
            .formatted(
                name,
                pg.host(),
                pg.port(),
                pg.superuser(),
                BUCKET,
                PREFIX,
                S3.endpoint(),
                S3ProxyServer.REGION,
                extra);
    Path file = work.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  static void secret(String name, String key, String value) throws IOException {
    Path file = work.resolve("secrets").resolve(name).resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }
}
