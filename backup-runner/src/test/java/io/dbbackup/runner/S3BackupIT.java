package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.S3BackupYaml;
import io.dbbackup.runner.support.Tmpfs;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The runner end to end against a real PostgreSQL and an S3 server speaking the real protocol:
 * backup, list, verify, retention on the bucket, and what a run does when the store refuses or goes
 * away.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3BackupIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String BUCKET = "db-backups";
  static final String PREFIX = "nightly";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    S3.createBucket(BUCKET);
    PostgresCluster pg = PG.cluster();
    pg.execute("postgres", "CREATE TABLE marker (note text); INSERT INTO marker VALUES ('s3-e2e')");
    secret("good", "pg", "password", pg.password());
    secret("good", "s3-creds", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY + "\n");
    secret("good", "s3-creds", "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY + "\n");
    secret("wrong", "pg", "password", pg.password());
    secret("wrong", "s3-creds", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    secret("wrong", "s3-creds", "AWS_SECRET_ACCESS_KEY", "wrong-secret-value-4711");
  }

  @Test
  void backupListVerifyAndRetentionWorkOnTheBucket() throws Exception {
    Path yaml = resource("orders-db", "retention: {days: 30, minKeep: 1}");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> ids = new ArrayList<>();
    Run run = null;
    for (int daysAgo : new int[] {40, 35, 10, 0}) {
      run = backup(yaml, "good", Clock.fixed(now.minus(Duration.ofDays(daysAgo)), ZoneOffset.UTC));
      assertThat(run.exitCode()).as("backup %d days ago: %s", daysAgo, run.last()).isZero();
      assertThat(run.last().status()).isEqualTo(BackupPhase.Succeeded);
      assertThat(run.last().verified()).isTrue();
      ids.add(run.last().backupId());
    }
    String root = PREFIX + "/default/orders-db/";
    assertThat(run.lastLocation(ids.get(3))).isEqualTo("s3://" + BUCKET + "/" + root + ids.get(3));

    // retention: the two older than 30 days are gone, object by object
    assertThat(listIds(yaml)).containsExactly(ids.get(3), ids.get(2));
    assertThat(S3.keys(BUCKET, root).stream().filter(k -> !k.contains("/.state/")))
        .containsExactlyInAnyOrder(
            root + ids.get(2) + "/dump.sql.gz",
            root + ids.get(2) + "/dump.sql.gz.sha256",
            root + ids.get(2) + "/manifest.json",
            root + ids.get(3) + "/dump.sql.gz",
            root + ids.get(3) + "/dump.sql.gz.sha256",
            root + ids.get(3) + "/manifest.json");
    assertThat(S3.openUploads(BUCKET)).isEmpty();

    assertThat(runner("verify", yaml, "good", "latest").exitCode()).isZero();

    // the stored dump, downloaded, passes the stock tools
    Path dir = Files.createDirectories(work.resolve("download"));
    for (String file : List.of("dump.sql.gz", "dump.sql.gz.sha256")) {
      S3.client()
          .getObject(b -> b.bucket(BUCKET).key(root + ids.get(3) + "/" + file), dir.resolve(file));
    }
    assertThat(sh(dir, "sha256sum", "-c", "dump.sql.gz.sha256")).isEqualTo("dump.sql.gz: OK\n");
    assertThat(sh(dir, "gunzip", "-t", "dump.sql.gz")).isEmpty();
    assertThat(sh(dir, "sh", "-c", "gunzip -c dump.sql.gz | grep -c '^s3-e2e$'")).isEqualTo("1\n");
  }

  @Test
  void verifyCatchesAStoredObjectThatDiffersFromWhatWasSent() throws Exception {
    Path yaml = resource("framed-db", "");
    Run run = backup(yaml, "good", Clock.systemUTC());
    assertThat(run.exitCode()).isZero();
    String key = PREFIX + "/default/framed-db/" + run.last().backupId() + "/dump.sql.gz";
    byte[] sent = S3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    // What a store that does not decode aws-chunked would keep: the framing around the bytes.
    byte[] framed = awsChunked(sent);
    S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(framed));

    Output verify = runner("verify", yaml, "good", "latest");
    assertThat(verify.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(verify.err())
        .contains("backup " + run.last().backupId() + " failed verification")
        .contains(
            "SHA-256 of dump.sql.gz is "
                + sha256Hex(framed)
                + " but dump.sql.gz.sha256 says "
                + sha256Hex(sent))
        .contains("dump.sql.gz has " + framed.length + " bytes, expected " + sent.length);
  }

  static String sha256Hex(byte[] data) throws java.security.NoSuchAlgorithmException {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void wrongCredentialsFailWithExit6AndSayWhatToCheck() throws Exception {
    Path yaml = resource("creds-db", "");
    Run run = backup(yaml, "wrong", Clock.systemUTC());
    assertThat(run.exitCode()).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(run.last().status()).isEqualTo(BackupPhase.Failed);
    assertThat(run.last().errorCode()).isEqualTo(6);
    assertThat(run.last().errorMessage())
        .contains(
            "the store refused the credentials (HTTP 403 SignatureDoesNotMatch): check"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in Secret s3-creds"
                + " (spec.storage.s3.credentialsSecretRef)")
        .doesNotContain("wrong-secret-value-4711");

    Output list = runner("list", yaml, "wrong");
    assertThat(list.exitCode()).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(list.err()).contains("the store refused the credentials");
    assertThat(S3.keys(BUCKET, PREFIX + "/default/creds-db/")).isEmpty();
  }

  @Test
  void everyCommandWithoutTheCredentialsSecretIsAConfigErrorNamingTheFieldAndTouchesNothing()
      throws Exception {
    Path yaml = resource("nocreds-db", "retention: {days: 1, minKeep: 1}");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Run old = backup(yaml, "good", Clock.fixed(now.minus(Duration.ofDays(3)), ZoneOffset.UTC));
    assertThat(old.exitCode()).isZero();
    String root = PREFIX + "/default/nocreds-db/";
    List<String> keys = S3.keys(BUCKET, root);
    PostgresCluster pg = PG.cluster();
    secret("nocreds", "pg", "password", pg.password());
    secret("nocreds", "target-pg", "password", pg.password());
    Path restore = work.resolve("nocreds-restore.yaml");
    Files.writeString(
        restore,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: nocreds-restore, namespace: default}
        spec:
          backupRef: {name: nocreds-db}
          backupId: latest
          overwrite: true
          target:
            host: %s
            port: %d
            user: %s
            passwordSecretRef: {name: target-pg, key: password}
        """
            .formatted(pg.host(), pg.port(), pg.superuser()));

    for (List<String> command :
        List.of(
            List.of("list"),
            List.of("verify", "latest"),
            List.of("prune"),
            List.of("restore", "--restore", restore.toString()))) {
      Output out =
          runner(
              command.getFirst(),
              yaml,
              "nocreds",
              command.subList(1, command.size()).toArray(String[]::new));
      assertThat(out.exitCode()).as("%s exit", command).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(out.err())
          .as("%s stderr", command)
          .contains("spec.storage.s3.credentialsSecretRef");
    }
    assertThat(S3.keys(BUCKET, root)).as("the bucket after the refused commands").isEqualTo(keys);
    assertThat(pg.psql("postgres", "SELECT note FROM marker")).isEqualTo("s3-e2e");
  }

  @Test
  void aSecretWithoutTheKeysIsAConfigErrorNamingTheField() throws Exception {
    Path yaml = resource("nokeys-db", "");
    Files.writeString(yaml, Files.readString(yaml).replace("{name: s3-creds}", "{name: pg}"));
    Output list = runner("list", yaml, "good");
    assertThat(list.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(list.err())
        .contains("spec.storage.s3.credentialsSecretRef: Secret pg has no key AWS_ACCESS_KEY_ID");
  }

  @Test
  void serverStoppedMidUploadFailsWithExit6LeavingNothingAndEarlierBackupsIntact()
      throws Exception {
    Path yaml = resource("outage-db", "compression: {algorithm: gzip, level: 1}");
    String root = PREFIX + "/default/outage-db/";
    Run good = backup(yaml, "good", Clock.systemUTC());
    assertThat(good.exitCode()).isZero();
    String earlier = good.last().backupId();

    PostgresCluster pg = PG.cluster();
    pg.execute("postgres", "CREATE DATABASE bulk");
    try {
      // ~30 MB of hex that gzip -1 leaves at ~17 MB: four 5 MiB parts
      pg.execute(
          "bulk",
          "CREATE TABLE t AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
              + " || md5((g * 31)::text) AS v FROM generate_series(1, 220000) g");
      var held = S3.holdPartsFrom(2);
      CompletableFuture<Run> failing =
          CompletableFuture.supplyAsync(() -> backup(yaml, "good", Clock.systemUTC()));
      assertThat(held.await(120, TimeUnit.SECONDS)).as("part 2 reached the server").isTrue();
      S3.stop();
      Thread.sleep(3000); // a short outage: back while the runner cleans up
      S3.restart();
      Run run = failing.get(3, TimeUnit.MINUTES);

      assertThat(run.exitCode()).isEqualTo(ExitCode.STORAGE_FAILED.code());
      assertThat(run.last().status()).isEqualTo(BackupPhase.Failed);
      assertThat(run.last().errorMessage())
          .contains("dump.sql.gz")
          .contains("could not be reached or did not answer");
    } finally {
      pg.execute("postgres", "DROP DATABASE IF EXISTS bulk");
    }
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertThat(S3.keys(BUCKET, root).stream().filter(k -> !k.contains("/.state/")))
        .containsExactlyInAnyOrder(
            root + earlier + "/dump.sql.gz",
            root + earlier + "/dump.sql.gz.sha256",
            root + earlier + "/manifest.json");
    assertThat(listIds(yaml)).containsExactly(earlier);
    assertThat(runner("verify", yaml, "good", "latest").exitCode()).isZero();
  }

  @Test
  void partsNeedingMoreScratchSpaceThanTheRunnerHasAreRefusedBeforeDumping() throws Exception {
    assumeTrue(Tmpfs.isRoot(), "mounting a small tmpfs needs root");
    Path scratch = Files.createDirectories(work.resolve("small-tmp"));
    Tmpfs.mount(scratch, "16m");
    String tmpdir = System.getProperty("java.io.tmpdir");
    Path yaml = resource("big-parts-db", "");
    Files.writeString(
        yaml, Files.readString(yaml).replace("partSizeMiB: 5\n", "partSizeMiB: 512\n"));
    String root = PREFIX + "/default/big-parts-db/";
    Run refused;
    String check;
    try (LogCapture logs = LogCapture.open()) {
      System.setProperty("java.io.tmpdir", scratch.toString());
      // 512 MiB parts do not fit in the upload memory: each would wait in a scratch file.
      refused = backup(yaml, "good", Clock.systemUTC());
      check = logs.events("scratch_space_check").getFirst();
    } finally {
      System.setProperty("java.io.tmpdir", tmpdir);
      Tmpfs.umount(scratch);
    }

    assertThat(refused.exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE.code());
    assertThat(refused.last().errorMessage())
        .startsWith("not enough scratch space in " + scratch + " for the upload's parts: ")
        .contains(" required (4 parts of 512MiB for about ")
        .contains("pg_database_size x 0.3")
        .contains("spec.storage.s3.partSizeMiB");
    assertThat(check).contains("required_bytes=" + 4 * 512L * 1024 * 1024);
    // Refused before pg_dumpall started: nothing under the prefix but the runner's state.
    assertThat(S3.keys(BUCKET, root)).allMatch(k -> k.contains("/.state/"));
    assertThat(S3.openUploads(BUCKET)).isEmpty();

    // 5 MiB parts stay in memory: the same small scratch space is no reason to refuse.
    Files.writeString(
        yaml, Files.readString(yaml).replace("partSizeMiB: 512\n", "partSizeMiB: 5\n"));
    Tmpfs.mount(scratch, "16m");
    try {
      System.setProperty("java.io.tmpdir", scratch.toString());
      assertThat(backup(yaml, "good", Clock.systemUTC()).exitCode()).isZero();
    } finally {
      System.setProperty("java.io.tmpdir", tmpdir);
      Tmpfs.umount(scratch);
    }
  }

  @Test
  void aManifestThatCannotBeReadKeepsEveryBackupOnTheBucket() throws Exception {
    Path yaml = resource("garbled-db", "retention: {days: 30, minKeep: 1}");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> ids = new ArrayList<>();
    for (int daysAgo : new int[] {20, 19, 1}) {
      Run run =
          backup(yaml, "good", Clock.fixed(now.minus(Duration.ofDays(daysAgo)), ZoneOffset.UTC));
      assertThat(run.exitCode()).isZero();
      ids.add(run.last().backupId());
    }
    String root = PREFIX + "/default/garbled-db/";
    S3.client()
        .putObject(
            b -> b.bucket(BUCKET).key(root + ids.get(0) + "/manifest.json"),
            RequestBody.fromString("{\"formatVersion\": 1, \"id\": "));

    // Two weeks on, the first two have expired; the first one's manifest cannot be read.
    Run next = backup(yaml, "good", Clock.fixed(now.plus(Duration.ofDays(15)), ZoneOffset.UTC));
    assertThat(next.exitCode()).isZero();
    // Neither the unreadable folder nor the expired one is deleted on an incomplete picture.
    List<String> keys = S3.keys(BUCKET, root);
    for (String id : ids) {
      assertThat(keys).contains(root + id + "/manifest.json", root + id + "/dump.sql.gz");
    }
    Output verify = runner("verify", yaml, "good", ids.get(0));
    assertThat(verify.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(verify.err()).contains(ids.get(0) + "/manifest.json").contains("not valid JSON");
    Output prune = runner("prune", yaml, "good");
    assertThat(prune.exitCode()).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(S3.keys(BUCKET, root)).containsAll(keys);
  }

  /** One backup run's exit code and the records it reported. */
  record Run(int exitCode, List<RunRecord> records) {
    RunRecord last() {
      return records.getLast();
    }

    String lastLocation(String id) {
      return records.stream()
          .filter(r -> r.backupId().equals(id))
          .reduce((a, b) -> b)
          .map(RunRecord::location)
          .orElseThrow();
    }
  }

  record Output(int exitCode, String out, String err) {}

  static Run backup(Path yaml, String secrets, Clock clock) {
    List<RunRecord> records = new CopyOnWriteArrayList<>();
    RunSettings settings =
        RunSettings.defaults()
            .withClock(clock)
            .withListener(
                new RunListener() {
                  @Override
                  public void recorded(RunRecord record) {
                    records.add(record);
                  }
                });
    int code =
        RunnerMain.execute(
            settings,
            "backup",
            "-f",
            yaml.toString(),
            "--secrets-dir",
            work.resolve(secrets).toString());
    return new Run(code, records);
  }

  static Output runner(String command, Path yaml, String secrets, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                command, "-f", yaml.toString(), "--secrets-dir", work.resolve(secrets).toString()));
    args.addAll(List.of(more));
    int code =
        RunnerMain.commandLine(RunSettings.defaults(), new PrintWriter(out), new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    return new Output(code, out.toString(), err.toString());
  }

  static List<String> listIds(Path yaml) throws IOException {
    Output list = runner("list", yaml, "good", "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    List<String> ids = new ArrayList<>();
    for (JsonNode m : JSON.readTree(list.out())) {
      ids.add(m.get("id").asText());
    }
    return ids;
  }

  static Path resource(String name, String extra) throws IOException {
    return S3BackupYaml.of(name, PG.cluster(), BUCKET, PREFIX, S3.endpoint())
        .s3("partSizeMiB: 5")
        .spec(extra)
        .writeIn(work);
  }

  static void secret(String dir, String name, String key, String value) throws IOException {
    Path d = Files.createDirectories(work.resolve(dir).resolve(name));
    Files.writeString(d.resolve(key), value);
  }

  /** {@code data} in aws-chunked framing, as a store that does not decode it would keep it. */
  static byte[] awsChunked(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String signature = ";chunk-signature=" + "0".repeat(64) + "\r\n";
    out.writeBytes(
        (Integer.toHexString(data.length) + signature).getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes(("\r\n0" + signature + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  static String sh(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    return output;
  }
}
