package io.dbbackup.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that, like Cloudflare R2, refuses to complete a multipart upload whose parts other than
 * the last differ in size: the runner's parts of one upload are all the same size.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3EqualPartsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String BUCKET = "equal-parts";
  static FaultProxy proxy;

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    S3.createBucket(BUCKET);
    proxy = FaultProxy.in(S3);
    PostgresCluster pg = PG.cluster();
    // ~72 MB of text, stored uncompressed: more than ten 5 MiB parts.
    pg.execute(
        "postgres",
        "CREATE TABLE bulk AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v"
            + " FROM generate_series(1, 1000000) g");
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
  void aStoreRequiringEqualPartsTakesTheBackup() throws Exception {
    // maxParts 100: parts that grew every tenth of the parts would change size at part 11.
    Path yaml = resource("r2", "maxParts: 100");
    proxy.requireEqualParts(true);
    StringWriter out = new StringWriter();
    int code;
    try {
      code = backup(yaml, out);
    } finally {
      proxy.requireEqualParts(false);
    }
    assertThat(code).as(out.toString()).isZero();
    List<List<Long>> completed = proxy.completedPartSizes();
    assertThat(completed).as("the dump went up as one multipart upload").hasSize(1);
    List<Long> sizes = completed.get(0);
    assertThat(sizes)
        .as("more than ten parts would have shown growing sizes")
        .hasSizeGreaterThan(2);
    assertThat(sizes.subList(0, sizes.size() - 1)).containsOnly(sizes.get(0));
    assertThat(sizes.get(sizes.size() - 1)).isLessThanOrEqualTo(sizes.get(0));
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertThat(S3.keys(BUCKET, "f/default/r2/")).anyMatch(k -> k.endsWith("/manifest.json"));
    assertThat(history("r2")).isEqualTo("SUCCEEDED:-");
  }

  static int backup(Path yaml, StringWriter out) {
    PrintWriter w = new PrintWriter(out);
    return RunnerMain.commandLine(RunSettings.defaults(), w, w)
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

  static Path resource(String name, String s3Extra) throws IOException {
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
              %s
              credentialsSecretRef: {name: s3-creds}
        """
            .formatted(
                name,
                pg.host(),
                pg.port(),
                pg.superuser(),
                BUCKET,
                proxy.endpoint(),
                S3ProxyServer.REGION,
                s3Extra);
    Path file = work.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
