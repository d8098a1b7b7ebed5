package io.dbbackup.runner.store.s3;

import static io.dbbackup.runner.store.ChunkStoreContract.content;
import static io.dbbackup.runner.store.ChunkStoreContract.name;
import static io.dbbackup.runner.store.s3.S3Stores.MIB;
import static io.dbbackup.runner.store.s3.S3Stores.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.FaultProxy.Rule;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The chunk store when the object store fails: through a {@link FaultProxy} in front of s3proxy, a
 * chunk PUT answered 500 or cut mid-body, a PUT never answered, a listing whose second page fails,
 * a slow download. Small request time limits (3 s an attempt) keep the hung cases short.
 */
@Timeout(180)
class S3ChunkFaultsIT {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String ROOT = "backups/" + S3Stores.NAMESPACE + "/" + S3Stores.NAME + "/";
  static final String CHUNK_KEY = "/[^/]+/" + ROOT + "chunks/.*";

  FaultProxy proxy;
  String bucket;
  S3Store store;

  @BeforeEach
  void start() {
    proxy = FaultProxy.in(S3);
    bucket = "f-" + UUID.randomUUID().toString().substring(0, 8);
    S3.createBucket(bucket);
    store = S3Stores.behind(proxy, S3, bucket);
  }

  @AfterEach
  void stop() {
    store.close();
    proxy.close();
  }

  ChunkStore chunks() {
    return store.chunks();
  }

  @Test
  void aChunkPutAnswered500OnceIsRetriedAndStoredOnce() throws IOException {
    Rule fail = proxy.add(Rule.on("PUT", CHUNK_KEY).status(500).once());
    String file = name("zst.gpg");
    byte[] c = content((int) MIB, 10);
    assertThat(chunks().put(file, c, c.length)).isTrue();
    assertThat(fail.fired()).isEqualTo(1);
    assertThat(proxy.count("PUT", ".*/chunks/.*")).isEqualTo(2);
    assertStoredExactly(file, c);
  }

  @Test
  void aChunkPutCutMidBodyIsRetriedAndStoredWhole() throws IOException {
    Rule drop = proxy.add(Rule.on("PUT", CHUNK_KEY).dropAfter(256 * 1024).once());
    String file = name("zst");
    byte[] c = content((int) (2 * MIB), 11);
    assertThat(chunks().put(file, c, c.length)).isTrue();
    assertThat(drop.fired()).isEqualTo(1);
    assertStoredExactly(file, c);
  }

  @Test
  void aChunkPutThatKeepsFailingIsAStorageErrorNamingTheKeyAndLeavesNothing() {
    Rule fail = proxy.add(Rule.on("PUT", CHUNK_KEY).status(500).always());
    String file = name("zst");
    byte[] c = content(100_000, 12);
    assertThatThrownBy(() -> chunks().put(file, c, c.length))
        .isInstanceOfSatisfying(
            S3StorageException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(StorageErrors.classify("storing a chunk", e).exitCode())
                  .isEqualTo(ExitCode.STORAGE_FAILED);
            })
        .hasMessageContaining("writing s3://" + bucket + "/" + ROOT + file)
        .hasMessageContaining("HTTP 500 InternalError");
    assertThat(fail.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void aChunkPutCutEveryTimeFailsAndLeavesNoPartialObject() {
    Rule drop = proxy.add(Rule.on("PUT", CHUNK_KEY).dropAfter(100_000).always());
    String file = name("gz");
    byte[] c = content((int) MIB, 13);
    assertThatThrownBy(() -> chunks().put(file, c, c.length))
        .isInstanceOfSatisfying(
            S3StorageException.class,
            e ->
                assertThat(StorageErrors.classify("storing a chunk", e).exitCode())
                    .isEqualTo(ExitCode.STORAGE_FAILED))
        .hasMessageContaining(ROOT + file);
    assertThat(drop.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void aChunkPutTheStoreNeverAnswersEndsAtTheRequestLimit() {
    Rule hang = proxy.add(Rule.on("PUT", CHUNK_KEY).hang().always());
    String file = name("zst");
    byte[] c = content((int) MIB, 14);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> chunks().put(file, c, c.length))
        .isInstanceOf(S3StorageException.class)
        .hasMessageContaining(ROOT + file)
        .hasMessageContaining("did not answer in time");
    // three attempts of about 3 s, not the proxy's forever
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(120));
    assertThat(hang.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void aListingWhoseSecondPageFailsThrowsAfterHandingOverOnlyTheFirst() throws IOException {
    ChunkStore chunks = ((S3ChunkStore) chunks()).listingInPagesOf(3);
    storeDirectly(8);
    Rule page2 =
        proxy.add(
            Rule.on("GET", "/" + bucket)
                .withQuery("list-type")
                .withQuery("continuation-token")
                .status(500)
                .always());
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(() -> chunks.list(c -> seen.add(c.file())))
        .isInstanceOfSatisfying(
            S3StorageException.class,
            e ->
                assertThat(StorageErrors.classify("listing the chunks", e).exitCode())
                    .isEqualTo(ExitCode.STORAGE_FAILED))
        .hasMessageContaining("listing s3://" + bucket + "/" + ROOT + "chunks/")
        .hasMessageContaining("HTTP 500");
    // a caller that deletes what it did not see must take the throw, not this short list
    assertThat(seen).hasSize(3);
    assertThat(page2.fired()).isEqualTo(S3Timeouts.ATTEMPTS);
  }

  @Test
  void aListingWhoseSecondPageFailsOnceIsRetriedAndComplete() throws IOException {
    ChunkStore chunks = ((S3ChunkStore) chunks()).listingInPagesOf(3);
    List<String> stored = storeDirectly(8);
    proxy.add(
        Rule.on("GET", "/" + bucket)
            .withQuery("list-type")
            .withQuery("continuation-token")
            .status(503)
            .once());
    List<String> seen = new ArrayList<>();
    chunks.list(c -> seen.add(c.file()));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void aListingWhoseSecondPageHangsEndsAtTheRequestLimit() throws IOException {
    ChunkStore chunks = ((S3ChunkStore) chunks()).listingInPagesOf(3);
    storeDirectly(5);
    proxy.add(
        Rule.on("GET", "/" + bucket)
            .withQuery("list-type")
            .withQuery("continuation-token")
            .hang()
            .always());
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(() -> chunks.list(c -> seen.add(c.file())))
        .isInstanceOf(S3StorageException.class)
        .hasMessageContaining("did not answer in time");
    assertThat(seen).hasSize(3);
  }

  @Test
  void aChunkReadSlowlyFromASlowStoreStreams() throws Exception {
    String file = name("zst");
    byte[] c = content((int) (4 * MIB), 15);
    S3.client().putObject(b -> b.bucket(bucket).key(ROOT + file), RequestBody.fromBytes(c));
    // the store takes 1 s to answer, then the reader takes 12 × 0.5 s: twice an attempt's limit
    Rule slow = proxy.add(Rule.on("GET", CHUNK_KEY).delay(Duration.ofSeconds(1)).always());
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long t0 = System.nanoTime();
    try (InputStream in = chunks().open(file)) {
      byte[] buf = new byte[(int) MIB / 3];
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        digest.update(buf, 0, n);
        Thread.sleep(500);
      }
    }
    assertThat(slow.fired()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThan(S3Stores.SMALL_TIMEOUTS.attempt(0));
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256(c));
  }

  /** {@code n} chunks put straight into the bucket, not through the proxy. */
  List<String> storeDirectly(int n) {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String file = name("zst");
      S3.client()
          .putObject(b -> b.bucket(bucket).key(ROOT + file), RequestBody.fromBytes(new byte[] {1}));
      files.add(file);
    }
    return files;
  }

  void assertStoredExactly(String file, byte[] content) throws IOException {
    assertThat(S3.keys(bucket, "")).containsExactly(ROOT + file);
    try (InputStream in = chunks().open(file)) {
      assertThat(sha256(in)).isEqualTo(sha256(content));
    }
  }
}
