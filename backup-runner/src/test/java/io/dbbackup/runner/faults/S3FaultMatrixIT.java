package io.dbbackup.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunListener;
import io.dbbackup.runner.RunSettings;
import io.dbbackup.runner.RunnerMain;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.FaultProxy.Rule;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The fault matrix on S3: faults injected by a FaultProxy in front of the embedded S3 server. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3FaultMatrixIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String BUCKET = "faults";
  static FaultProxy proxy;

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    S3.createBucket(BUCKET);
    proxy = FaultProxy.in(S3);
    PostgresCluster pg = PG.cluster();
    // ~13 MB of text, stored uncompressed: three 5 MiB parts.
    pg.execute(
        "postgres",
        "CREATE TABLE bulk AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v"
            + " FROM generate_series(1, 180000) g");
    Path d = Files.createDirectories(work.resolve("secrets/pg"));
    Files.writeString(d.resolve("password"), pg.password());
    Path c = Files.createDirectories(work.resolve("secrets/s3-creds"));
    Files.writeString(c.resolve("AWS_ACCESS_KEY_ID"), S3ProxyServer.ACCESS_KEY);
    Files.writeString(c.resolve("AWS_SECRET_ACCESS_KEY"), S3ProxyServer.SECRET_KEY);
  }

  @AfterAll
  static void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void a500OnEveryPartUploadExits6KeepsEarlierBackupsAndLeavesNoUpload() throws Exception {
    Path yaml = resource("part500", "retention: {days: 30, minKeep: 1}");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    List<String> before = S3.keys(BUCKET, "f/default/part500/");
    Rule part2 =
        proxy.add(Rule.on("PUT", ".*/dump\\.sql").withQuery("partNumber=2").status(500).always());
    int code;
    try {
      code = backup(yaml, Clock.systemUTC(), RunListener.NONE);
    } finally {
      proxy.clearRules();
    }
    assertThat(part2.fired()).isGreaterThanOrEqualTo(1);
    assertThat(code).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(S3.keys(BUCKET, "f/default/part500/")).containsExactlyElementsOf(before);
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertThat(history("part500")).isEqualTo("SUCCEEDED:-,FAILED:6");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    assertThat(history("part500")).isEqualTo("SUCCEEDED:-,FAILED:6,SUCCEEDED:-");
  }

  @Test
  void a500OnListDuringRetentionDeletesNothingAndKeepsTheNewBackup() throws Exception {
    Path yaml = resource("list500", "retention: {days: 1, minKeep: 1}");
    Instant now = Instant.now();
    assertThat(backup(yaml, Clock.fixed(now.minus(Duration.ofDays(5)), ZoneOffset.UTC), null))
        .isZero();
    List<String> before = S3.keys(BUCKET, "f/default/list500/");
    RunListener onRetention =
        new RunListener() {
          @Override
          public void phase(String phase) {
            if (phase.equals("retention")) {
              proxy.add(Rule.on("GET", "/" + BUCKET).withQuery("list-type").status(500).always());
            }
          }
        };
    int code;
    try {
      code = backup(yaml, Clock.fixed(now, ZoneOffset.UTC), onRetention);
    } finally {
      proxy.clearRules();
    }
    // Either outcome is acceptable; acting on a partial listing is not.
    assertThat(code).isIn(0, ExitCode.STORAGE_FAILED.code());
    assertThat(S3.keys(BUCKET, "f/default/list500/")).containsAll(before);
    assertThat(
            S3.keys(BUCKET, "f/default/list500/").stream().filter(k -> k.endsWith("manifest.json")))
        .hasSize(2);
    assertThat(S3.openUploads(BUCKET)).isEmpty();
  }

  @Test
  void a503OnceOnAPartIsRetriedAndTheBackupSucceeds() throws Exception {
    Path yaml = resource("part503", "retention: {days: 30, minKeep: 1}");
    Rule once =
        proxy.add(
            Rule.on("PUT", ".*/part503/.*/dump\\.sql")
                .withQuery("partNumber=2")
                .status(503)
                .once());
    int code;
    try {
      code = backup(yaml, Clock.systemUTC(), RunListener.NONE);
    } finally {
      proxy.clearRules();
    }
    assertThat(once.fired()).isEqualTo(1);
    assertThat(code).isZero();
    assertThat(history("part503")).isEqualTo("SUCCEEDED:-");
    assertThat(S3.openUploads(BUCKET)).isEmpty();
  }

  @Test
  void a500OnAManifestGetDuringRetentionDeletesNothing() throws Exception {
    Path yaml = resource("get500", "retention: {days: 30, minKeep: 1}");
    Instant now = Instant.now();
    assertThat(backup(yaml, Clock.fixed(now.minus(Duration.ofDays(5)), ZoneOffset.UTC), null))
        .isZero();
    List<String> before = S3.keys(BUCKET, "f/default/get500/");
    RunListener onRetention =
        new RunListener() {
          @Override
          public void phase(String phase) {
            if (phase.equals("retention")) {
              proxy.add(Rule.on("GET", ".*/get500/.*/manifest\\.json").status(500).always());
            }
          }
        };
    int code;
    try {
      code = backup(yaml, Clock.fixed(now, ZoneOffset.UTC), onRetention);
    } finally {
      proxy.clearRules();
    }
    // The new backup is stored and good; retention, with one folder it cannot read, deletes
    // nothing and the run ends with a warning.
    assertThat(code).isZero();
    assertThat(S3.keys(BUCKET, "f/default/get500/")).containsAll(before);
  }

  static int backup(Path yaml, Clock clock, RunListener listener) {
    RunSettings settings = RunSettings.defaults().withClock(clock);
    if (listener != null) {
      settings = settings.withListener(listener);
    }
    StringWriter out = new StringWriter();
    return RunnerMain.commandLine(settings, new PrintWriter(out), new PrintWriter(out))
        .execute(
            "backup", "-f", yaml.toString(), "--secrets-dir", work.resolve("secrets").toString());
  }

  static String history(String name) {
    return PG.cluster()
        .psql(
            "postgres",
            "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                + " ORDER BY started_at) FROM dbbackup.backup_history WHERE name = '"
                + name
                + "'");
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
          compression: {algorithm: none}
          database:
            host: %s
            port: %d
            user: %s
            passwordSecretRef: {name: pg, key: password}
            connectRetry: {attempts: 1, initialIntervalSeconds: 1}
          storage:
            s3:
              bucket: %s
              prefix: f
              endpoint: %s
              region: %s
              forcePathStyle: true
              partSizeMiB: 5
              credentialsSecretRef: {name: s3-creds}
          %s
        """
            .formatted(
                name,
                pg.host(),
                pg.port(),
                pg.superuser(),
                BUCKET,
                proxy.endpoint(),
                S3ProxyServer.REGION,
                extra);
    Path file = work.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
