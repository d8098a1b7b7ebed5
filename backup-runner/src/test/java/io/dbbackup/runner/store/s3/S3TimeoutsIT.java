package io.dbbackup.runner.store.s3;

import static io.dbbackup.runner.store.s3.S3StoreIT.random;
import static io.dbbackup.runner.store.s3.S3StoreIT.writeInChunks;
import static io.dbbackup.runner.store.s3.S3Stores.MIB;
import static io.dbbackup.runner.store.s3.S3Stores.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.StoreWriter;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.FaultProxy.Rule;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store that hangs: every request has a time limit, so a hung request fails (a storage error
 * saying the store did not answer in time) instead of holding the run. The limits are small here;
 * the defaults are minutes (S3Timeouts.DEFAULT).
 */
@Timeout(180)
class S3TimeoutsIT {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  final BackupId id = BackupId.generate(Instant.parse("2026-11-20T02:00:00Z"));
  FaultProxy proxy;
  String bucket;

  @BeforeEach
  void start() {
    proxy = FaultProxy.in(S3);
    bucket = "t-" + UUID.randomUUID().toString().substring(0, 8);
    S3.createBucket(bucket);
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  S3Store store() {
    return S3Stores.behind(proxy, S3, bucket);
  }

  @Test
  void theDefaultsAreMinutesAndGrowWithTheBody() {
    S3Timeouts d = S3Timeouts.DEFAULT;
    assertThat(d.attempt(0)).isEqualTo(Duration.ofMinutes(2));
    // a 16 MiB part at 1 MiB/s
    assertThat(d.attempt(16 * MIB)).isEqualTo(Duration.ofMinutes(2).plusSeconds(16));
    assertThat(d.call(16 * MIB))
        .isEqualTo(Duration.ofMinutes(2).plusSeconds(16).multipliedBy(3).plusSeconds(30));
    assertThat(d.completeAttempt()).isEqualTo(Duration.ofMinutes(10));
    assertThat(S3Settings.of(new S3StorageSpec(), "creds").timeouts()).isEqualTo(d);
  }

  @Test
  void aPartUploadTheStoreAcceptsAndNeverAnswersFailsAndTheUploadIsAborted() throws IOException {
    Rule stall =
        proxy.add(Rule.on("PUT", ".*/dump\\.sql").withQuery("partNumber=2").stall().always());
    long t0 = System.nanoTime();
    try (S3Store store = store()) {
      StoreWriter w = store.create(id, "dump.sql");
      try (w) {
        assertThatThrownBy(
                () -> {
                  writeInChunks(w.stream(), random(12 * MIB), 100_003);
                  w.commit();
                })
            .isInstanceOf(S3StorageException.class)
            .hasMessageContaining("uploading part 2 of")
            .hasMessageContaining("did not answer in time");
      }
    }
    // three attempts of about 3 s each, not the proxy's forever
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(120));
    assertThat(stall.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
    assertThat(S3.openUploads(bucket)).isEmpty();
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void aWholeObjectPutTheStoreNeverReadsFailsToo() throws IOException {
    // hang: the proxy reads not even the body, so the client's write blocks
    Rule hang = proxy.add(Rule.on("PUT", ".*/manifest\\.json").hang().always());
    try (S3Store store = store()) {
      StoreWriter w = store.create(id, "manifest.json");
      try (w) {
        w.stream().write(random(2 * MIB));
        assertThatThrownBy(w::commit)
            .isInstanceOf(S3StorageException.class)
            .hasMessageContaining("did not answer in time");
      }
    }
    assertThat(hang.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void aHungLookupOrListingFails() throws IOException {
    proxy.add(Rule.on("HEAD", ".*").hang().always());
    proxy.add(Rule.on("GET", "/" + bucket).withQuery("list-type").hang().always());
    try (S3Store store = store()) {
      assertThatThrownBy(() -> store.exists(id, "manifest.json"))
          .isInstanceOf(S3StorageException.class)
          .hasMessageContaining("did not answer in time");
      assertThatThrownBy(store::listIds)
          .isInstanceOf(S3StorageException.class)
          .hasMessageContaining("did not answer in time");
    }
  }

  @Test
  void aDownloadReadSlowlyIsNotCutByTheRequestLimit() throws Exception {
    byte[] content = random(6 * MIB);
    String key = "backups/shop/orders-db/" + id + "/dump.sql";
    S3.client()
        .putObject(
            b -> b.bucket(bucket).key(key),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(content));
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long t0 = System.nanoTime();
    try (S3Store store = store();
        InputStream in = store.open(id, "dump.sql")) {
      byte[] buf = new byte[512 * 1024];
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        digest.update(buf, 0, n);
        Thread.sleep(500); // 12 reads: 6 s, twice the 3 s limit of an attempt
      }
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThan(S3Stores.SMALL_TIMEOUTS.attempt(0));
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256(content));
  }
}
