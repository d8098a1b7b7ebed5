package io.dbbackup.runner.store.s3;

import static io.dbbackup.runner.store.ChunkStoreContract.content;
import static io.dbbackup.runner.store.ChunkStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.ChunkStoreContract;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The chunk store contract on s3proxy, and what is particular to S3: keys, requests, SSE. */
class S3ChunkStoreIT extends ChunkStoreContract {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String PREFIX = "backups";
  static final String ROOT = PREFIX + "/" + S3Stores.NAMESPACE + "/" + S3Stores.NAME + "/";

  String bucket;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<S3Store> opened = new ArrayList<>();

  @BeforeEach
  void newBucket() {
    bucket = "c-" + UUID.randomUUID().toString().substring(0, 8);
    S3.createBucket(bucket);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(S3Store::close);
  }

  /** Records each request's type (and for a PutObject whether it was conditional). */
  final ExecutionInterceptor recorder =
      new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
          String type = c.request().getClass().getSimpleName().replace("Request", "");
          if (c.request() instanceof PutObjectRequest p && p.ifNoneMatch() != null) {
            type += " If-None-Match: " + p.ifNoneMatch();
          }
          requests.add(type);
        }
      };

  S3Store store(S3StorageSpec spec, List<ExecutionInterceptor> interceptors) {
    S3Store store = S3Stores.store(spec, S3ProxyServer.SECRET_KEY, s -> s, interceptors);
    opened.add(store);
    return store;
  }

  @Override
  protected ChunkStore chunks(int listPageSize) {
    S3Store store = store(S3Stores.spec(S3, bucket, PREFIX), List.of(recorder));
    return ((S3ChunkStore) store.chunks()).listingInPagesOf(listPageSize);
  }

  @Override
  protected void putForeign(String path, byte[] content) {
    S3.client().putObject(b -> b.bucket(bucket).key(ROOT + path), RequestBody.fromBytes(content));
  }

  @Override
  protected List<String> storedFiles() {
    return S3.keys(bucket, "").stream()
        .map(k -> k.startsWith(ROOT) ? k.substring(ROOT.length()) : "(outside) " + k)
        .toList();
  }

  @Test
  void chunksAreObjectsUnderTheResourceAndANewOneCostsALookupAndOneConditionalPut()
      throws IOException {
    ChunkStore chunks = chunks();
    String file = name("zst.gpg");
    byte[] c = content(1 << 20, 5);
    assertThat(chunks.put(file, c, c.length)).isTrue();
    assertThat(S3.keys(bucket, "")).containsExactly(ROOT + file);
    assertThat(requests).containsExactly("HeadObject", "PutObject If-None-Match: *");

    requests.clear();
    assertThat(chunks.put(file, c, c.length)).isFalse();
    assertThat(requests).as("a stored chunk is not sent again").containsExactly("HeadObject");
  }

  @Test
  void listingCostsOneRequestAPageAndSkipsFolderMarkers() throws IOException {
    ChunkStore chunks = chunks(4);
    for (int i = 0; i < 10; i++) {
      byte[] c = content(100, i);
      chunks.put(name("zst"), c, c.length);
    }
    // what consoles create for "folders"; and a key beside the chunk folder, not in it
    putForeign("chunks/", new byte[0]);
    putForeign("chunks/ab/", new byte[0]);
    putForeign("chunksX/ab/" + "ab".repeat(32) + ".zst", new byte[0]);
    requests.clear();
    List<String> listed = new ArrayList<>();
    chunks.list(s -> listed.add(s.file()));
    assertThat(listed).hasSize(10);
    // 12 keys under chunks/ in pages of 4
    assertThat(requests).containsExactly("ListObjectsV2", "ListObjectsV2", "ListObjectsV2");
  }

  @Test
  void aStoreWithoutConditionalWritesStillKeepsTheFirstChunk() throws IOException {
    S3Store store =
        store(
            S3Stores.spec(S3, bucket, PREFIX),
            List.of(recorder, new S3StoreFailureIT.RejectsConditions()));
    ChunkStore chunks = store.chunks();
    String file = name("zst");
    byte[] first = content(2000, 6);
    assertThat(chunks.put(file, first, first.length)).isTrue();
    assertThat(chunks.put(file, content(3000, 7), 3000)).isFalse();
    assertThat(chunks.put(name("zst"), first, first.length)).isTrue();
    try (InputStream in = chunks.open(file)) {
      assertThat(in.readAllBytes()).isEqualTo(first);
    }
    // after the store refused the condition once, chunks go without it
    assertThat(requests.stream().filter(r -> r.startsWith("PutObject")))
        .containsExactly("PutObject If-None-Match: *", "PutObject", "PutObject");
  }

  @Test
  void aChunkWrittenBetweenTheLookupAndThePutIsKept() throws IOException {
    String file = name("zst");
    byte[] theirs = content(500, 8);
    ExecutionInterceptor writesMeanwhile =
        S3Stores.onCall(PutObjectRequest.class, r -> putForeign(file, theirs));
    ChunkStore chunks = store(S3Stores.spec(S3, bucket, PREFIX), List.of(writesMeanwhile)).chunks();
    assertThat(chunks.put(file, content(700, 9), 700)).isFalse();
    try (InputStream in = chunks.open(file)) {
      assertThat(in.readAllBytes()).isEqualTo(theirs);
    }
  }

  @Test
  void aPutStoredWhoseAnswerIsLostIsRetriedAgainstTheConditionAndStoredOnce() throws IOException {
    AtomicInteger lost = new AtomicInteger();
    ExecutionInterceptor losesFirstAnswer =
        new ExecutionInterceptor() {
          @Override
          public void afterTransmission(Context.AfterTransmission c, ExecutionAttributes a) {
            if (c.request() instanceof PutObjectRequest && lost.getAndIncrement() == 0) {
              throw SdkClientException.create(
                  "connection lost before the answer", new IOException("connection reset"));
            }
          }
        };
    ChunkStore chunks =
        store(S3Stores.spec(S3, bucket, PREFIX), List.of(recorder, losesFirstAnswer)).chunks();
    String file = name("zst");
    byte[] c = content(4000, 10);
    // the retry's If-None-Match finds the first attempt's object: kept, and reported as present
    assertThat(chunks.put(file, c, c.length)).isFalse();
    assertThat(lost).hasValue(2);
    assertThat(S3.keys(bucket, "")).containsExactly(ROOT + file);
    try (InputStream in = chunks.open(file)) {
      assertThat(in.readAllBytes()).isEqualTo(c);
    }
  }

  @Test
  void chunksAreWrittenWithTheServerSideEncryptionOfEveryObject() throws IOException {
    S3StorageSpec spec = S3Stores.spec(S3, bucket, PREFIX);
    spec.setServerSideEncryption("AES256");
    List<String> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor headers =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
            c.httpRequest()
                .firstMatchingHeader("x-amz-server-side-encryption")
                .ifPresent(v -> sent.add(c.request().getClass().getSimpleName() + " " + v));
          }
        };
    ChunkStore chunks = store(spec, List.of(headers)).chunks();
    String file = name("zst");
    // s3proxy's filesystem backend cannot encrypt and refuses the header
    assertThatThrownBy(() -> chunks.put(file, new byte[] {1}, 1))
        .isInstanceOfSatisfying(
            S3StorageException.class, e -> assertThat(e.statusCode()).isEqualTo(501))
        .hasMessageContaining("writing s3://" + bucket + "/" + ROOT + file);
    assertThat(sent).containsExactly("PutObjectRequest AES256");
    assertThat(S3.keys(bucket, "")).isEmpty();
  }
}
