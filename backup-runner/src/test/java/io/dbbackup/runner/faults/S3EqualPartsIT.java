package io.dbbackup.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.S3FaultBucket;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.StringWriter;
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
  static S3FaultBucket faults;
  static FaultProxy proxy;

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    faults = new S3FaultBucket(S3, BUCKET, PG.cluster(), work);
    proxy = faults.proxy();
    // ~72 MB of text, stored uncompressed: more than ten 5 MiB parts.
    PG.cluster()
        .execute(
            "postgres",
            "CREATE TABLE bulk AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v"
                + " FROM generate_series(1, 1000000) g");
  }

  @AfterAll
  static void tearDown() {
    if (faults != null) {
      faults.close();
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
    return faults.backup(RunSettings.defaults(), yaml, out);
  }

  static String history(String name) {
    return faults.history(name);
  }

  static Path resource(String name, String s3Extra) throws IOException {
    return faults.write(faults.resource(name).s3(s3Extra));
  }
}
