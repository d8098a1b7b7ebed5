package io.dbbackup.runner.store.s3;

import static io.dbbackup.runner.store.s3.S3Stores.MIB;
import static io.dbbackup.runner.store.s3.S3Stores.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.StoreWriter;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The store contract against a real S3 protocol server. */
class S3StoreIT {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  String bucket;
  String prefix;
  BackupId id = BackupId.generate(Instant.parse("2026-11-20T02:00:00Z"));

  @BeforeEach
  void bucket() {
    bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    prefix = "backups/db";
    S3.createBucket(bucket);
  }

  String root() {
    return prefix + "/shop/orders-db/";
  }

  @Test
  void smallFileIsOnePutWithExactlyTheBytesWritten() throws IOException {
    byte[] content = "0123abcd  dump.sql.gz\n".getBytes(StandardCharsets.UTF_8);
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      try (StoreWriter w = store.create(id, "dump.sql.gz.sha256")) {
        w.stream().write(content);
        assertThat(S3.keys(bucket, "")).isEmpty();
        w.commit();
        assertThat(((StreamingUpload) w).partsSent()).isZero();
      }
      String key = root() + id + "/dump.sql.gz.sha256";
      assertThat(S3.keys(bucket, "")).containsExactly(key);
      assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
          .isEqualTo(content);
      try (InputStream in = store.open(id, "dump.sql.gz.sha256")) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      assertThat(store.exists(id, "dump.sql.gz.sha256")).isTrue();
      assertThat(store.exists(id, "manifest.json")).isFalse();
      assertThat(store.listIds()).containsExactly(id);
      assertThat(store.location(id)).isEqualTo("s3://" + bucket + "/" + root() + id);
      assertThat(store.usableSpace()).isEmpty();
    }
  }

  @Test
  void largeStreamGoesUpInPartsAndReadsBackByteForByte() throws IOException {
    byte[] content = random(23 * MIB + 12345);
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      try (upload) {
        writeInChunks(upload.stream(), content, 100_003);
        assertThat(S3.openUploads(bucket)).containsExactly(root() + id + "/dump.sql.gz");
        assertThat(store.exists(id, "dump.sql.gz")).isFalse();
        upload.commit();
      }
      assertThat(upload.partsSent()).isEqualTo(5);
      String key = root() + id + "/dump.sql.gz";
      assertThat(S3.client().headObject(b -> b.bucket(bucket).key(key)).contentLength())
          .isEqualTo(content.length);
      assertThat(sha256(S3.client().getObject(b -> b.bucket(bucket).key(key))))
          .isEqualTo(sha256(content));
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(content));
      }
      assertThat(S3.openUploads(bucket)).isEmpty();
    }
  }

  @Test
  void partsAreSizedBeforeTheUploadToHoldTheExpectedBackupAndAllButTheLastAreEqual()
      throws IOException {
    List<Long> partSizes = new CopyOnWriteArrayList<>();
    ExecutionInterceptor watch =
        S3Stores.onSend(UploadPartRequest.class, r -> partSizes.add(r.contentLength()));
    S3StorageSpec spec = S3Stores.spec(S3, bucket, prefix);
    spec.setMaxParts(10);
    byte[] content = random(25 * MIB + 777);
    try (S3Store store = S3Stores.store(spec, S3ProxyServer.SECRET_KEY, s -> s, List.of(watch))) {
      // 10 parts of 5 MiB hold 50 MiB; up to 100 MiB expected needs 10 MiB parts.
      store.expectAtMost(100 * MIB);
      assertThat(store.partSizer()).isEqualTo(new PartSizer(10 * MIB, 10));
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      try (upload) {
        writeInChunks(upload.stream(), content, 100_003);
        upload.commit();
      }
      assertThat(partSizes).containsExactlyInAnyOrder(10 * MIB, 10 * MIB, 5 * MIB + 777);
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(content));
      }
      // Expecting less keeps partSizeMiB.
      store.expectAtMost(MIB);
      assertThat(store.partSizer()).isEqualTo(new PartSizer(5 * MIB, 10));
    }
  }

  @Test
  void aStreamOutgrowingMaxPartsOfItsSizeFailsNamingTheSettingsAndLeavesNothing()
      throws IOException {
    S3StorageSpec spec = S3Stores.spec(S3, bucket, prefix);
    spec.setMaxParts(2); // below the resource's 10, to keep the test small
    try (S3Store store = S3Stores.store(spec, S3ProxyServer.SECRET_KEY, s -> s, List.of())) {
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      try (upload) {
        assertThatThrownBy(() -> writeInChunks(upload.stream(), random(11 * MIB), 100_003))
            .isInstanceOf(S3StorageException.class)
            .hasMessageContaining("larger than 2 parts of " + 5 * MIB + " bytes hold")
            .hasMessageContaining("spec.storage.s3.partSizeMiB");
        assertThatThrownBy(upload::commit).isInstanceOf(S3StorageException.class);
      }
      assertThat(S3.keys(bucket, "")).isEmpty();
      assertThat(S3.openUploads(bucket)).isEmpty();
    }
  }

  @Test
  void partsTooLargeForTheMemoryGoThroughScratchFilesThatAreDeletedAfterwards(@TempDir Path scratch)
      throws IOException {
    // 8 MiB of upload memory cannot hold two 5 MiB parts: every part is kept in a scratch file.
    byte[] content = random(23 * MIB + 12345);
    List<Integer> filesWhileSending = new CopyOnWriteArrayList<>();
    ExecutionInterceptor watch =
        S3Stores.onSend(
            UploadPartRequest.class, r -> filesWhileSending.add(scratchFiles(scratch).size()));
    var spec = S3Stores.spec(S3, bucket, prefix);
    try (S3Store store =
        S3Stores.store(
            spec,
            S3ProxyServer.SECRET_KEY,
            s -> s.withUploadMemory(3, 8 * MIB, scratch),
            List.of(watch))) {
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      try (upload) {
        writeInChunks(upload.stream(), content, 100_003);
        upload.commit();
      }
      assertThat(upload.partsSent()).isEqualTo(5);
      assertThat(filesWhileSending).hasSize(5).allSatisfy(n -> assertThat(n).isBetween(1, 4));
      assertThat(scratchFiles(scratch)).as("scratch files after commit").isEmpty();
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(content));
      }

      // An aborted upload deletes its scratch files as well.
      StreamingUpload aborted = (StreamingUpload) store.create(id, "other.sql.gz");
      writeInChunks(aborted.stream(), random(17 * MIB), 65536);
      assertThat(scratchFiles(scratch)).isNotEmpty();
      aborted.abort();
      assertThat(scratchFiles(scratch)).as("scratch files after abort").isEmpty();
      assertThat(S3.openUploads(bucket)).isEmpty();
    }
  }

  private static List<Path> scratchFiles(Path dir) {
    try (var files = Files.list(dir)) {
      return files.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void streamEndingOnAPartBoundaryIsOneObject() throws IOException {
    byte[] content = random(10 * MIB);
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      try (upload) {
        writeInChunks(upload.stream(), content, 1 << 20);
        upload.commit();
      }
      assertThat(upload.partsSent()).isEqualTo(2);
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(content));
      }
    }
  }

  @Test
  void abortLeavesNoObjectAndNoOpenUpload() throws IOException {
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      StreamingUpload upload = (StreamingUpload) store.create(id, "dump.sql.gz");
      writeInChunks(upload.stream(), random(17 * MIB), 65536);
      assertThat(upload.partsSent()).isEqualTo(3);
      assertThat(S3.openUploads(bucket)).hasSize(1);
      upload.abort();
      assertThat(S3.openUploads(bucket)).isEmpty();
      assertThat(S3.keys(bucket, "")).isEmpty();
      assertThatThrownBy(upload::commit)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("aborted");
    }
  }

  @Test
  void createRefusesAFileThatExists() throws IOException {
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      write(store, "manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> store.create(id, "manifest.json"))
          .isInstanceOf(FileAlreadyExistsException.class)
          .hasMessageContaining(root() + id + "/manifest.json");
    }
  }

  @Test
  void commitNeverReplacesAnObjectWrittenMeanwhile() throws IOException {
    String key = root() + id + "/dump.sql.gz";
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      StoreWriter small = store.create(id, "dump.sql.gz");
      StoreWriter large = store.create(id, "dump.sql.gz");
      small.stream().write(new byte[] {1, 2, 3});
      writeInChunks(large.stream(), random(12 * MIB), 1 << 20);
      S3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("theirs"));

      assertThatThrownBy(small::commit).isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(large::commit).isInstanceOf(FileAlreadyExistsException.class);

      assertThat(S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
          .isEqualTo("theirs");
      assertThat(S3.openUploads(bucket)).isEmpty();
    }
  }

  @Test
  void listsBackupsFarBeyondOneListingPage() throws IOException {
    List<BackupId> ids = new java.util.ArrayList<>();
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 1005; i++) {
      BackupId each = BackupId.generate(t.plusSeconds(3600L * i));
      ids.add(each);
      S3.client()
          .putObject(
              b -> b.bucket(bucket).key(root() + each + "/dump.sql.gz"), RequestBody.empty());
    }
    S3.client()
        .putObject(b -> b.bucket(bucket).key(root() + "not-a-backup/x"), RequestBody.empty());
    List<Object> listings = new CopyOnWriteArrayList<>();
    ExecutionInterceptor counter = S3Stores.onCall(ListObjectsV2Request.class, listings::add);
    try (S3Store store = S3Stores.store(S3, bucket, prefix, counter)) {
      store.putState("pending-history-x.json", new byte[] {1});
      assertThat(store.listIds()).containsExactlyElementsOf(ids.stream().sorted().toList());
      assertThat(listings).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void deleteBackupDeletesTheManifestBeforeTheData() throws IOException {
    List<String> deleted = new CopyOnWriteArrayList<>();
    ExecutionInterceptor recorder =
        S3Stores.onCall(
            DeleteObjectRequest.class,
            r -> deleted.add(r.key().substring(r.key().lastIndexOf('/') + 1)));
    BackupId other = BackupId.generate(Instant.parse("2026-11-21T02:00:00Z"));
    try (S3Store store = S3Stores.store(S3, bucket, prefix, recorder)) {
      write(store, "dump.sql.gz", random(1000));
      write(store, "dump.sql.gz.sha256", new byte[] {1});
      write(store, Manifest.FILE_NAME, new byte[] {2});
      StoreWriter other1 = store.create(other, "dump.sql.gz");
      other1.stream().write(3);
      other1.commit();

      store.deleteBackup(id);

      assertThat(deleted).hasSize(3);
      assertThat(deleted.getFirst()).isEqualTo(Manifest.FILE_NAME);
      assertThat(S3.keys(bucket, "")).containsExactly(root() + other + "/dump.sql.gz");
      assertThat(store.listIds()).containsExactly(other);
    }
  }

  @Test
  void stateFilesLiveBesideTheBackupsAndAreNoBackup() throws IOException {
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      store.putState("pending-history-b.json", "{\"b\":1}".getBytes(StandardCharsets.UTF_8));
      store.putState("pending-history-a.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
      store.putState("pending-history-a.json", "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
      assertThat(S3.keys(bucket, ""))
          .containsExactly(
              root() + ".state/pending-history-a.json", root() + ".state/pending-history-b.json");
      assertThat(store.listState())
          .containsExactly("pending-history-a.json", "pending-history-b.json");
      assertThat(new String(store.readState("pending-history-a.json"), StandardCharsets.UTF_8))
          .isEqualTo("{\"a\":2}");
      assertThat(store.listIds()).isEmpty();
      store.deleteState("pending-history-a.json");
      assertThat(store.listState()).containsExactly("pending-history-b.json");
      assertThatThrownBy(() -> store.readState("pending-history-a.json"))
          .isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void checkWritableProbesAndAbortsUploadsLeftByADeadRun() throws IOException {
    String mine = root() + "20261101T020000Z-0a0b/dump.sql.gz";
    String theirs = prefix + "/shop/other-db/20261101T020000Z-0a0b/dump.sql.gz";
    for (String key : List.of(mine, theirs)) {
      String upload = S3.client().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
      S3.client()
          .uploadPart(
              b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(1),
              RequestBody.fromBytes(random(1000)));
    }
    try (S3Store store = S3Stores.store(S3, bucket, prefix)) {
      store.checkWritable();
    }
    assertThat(S3.openUploads(bucket)).containsExactly(theirs);
    assertThat(S3.keys(bucket, "")).isEmpty();
  }

  @Test
  void serverSideEncryptionIsRequestedAndAStoreThatCannotSaysSoClearly() throws IOException {
    var spec = S3Stores.spec(S3, bucket, prefix);
    spec.setServerSideEncryption("AES256");
    assertThat(encryptionRequested(spec))
        .containsExactly(
            "PutObjectRequest AES256 (no key)", "CreateMultipartUploadRequest AES256 (no key)");
  }

  @Test
  void aKmsKeyIsRequestedWithEveryObjectAndUpload() throws IOException {
    String key = "arn:aws:kms:us-east-1:111122223333:alias/backups";
    var spec = S3Stores.spec(S3, bucket, prefix);
    spec.setServerSideEncryption("aws:kms");
    spec.setKmsKeyId(key);
    assertThat(encryptionRequested(spec))
        .containsExactly(
            "PutObjectRequest aws:kms " + key, "CreateMultipartUploadRequest aws:kms " + key);
  }

  /**
   * Writes a small and a multipart object with {@code spec}'s server-side encryption; s3proxy's
   * filesystem backend cannot encrypt and refuses (HTTP 501) rather than ignore the headers, and
   * nothing is left behind. Returns the request type, algorithm and KMS key each write sent.
   */
  private List<String> encryptionRequested(S3StorageSpec spec) throws IOException {
    List<String> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor headers =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
            var h = c.httpRequest();
            h.firstMatchingHeader("x-amz-server-side-encryption")
                .ifPresent(
                    v ->
                        sent.add(
                            c.request().getClass().getSimpleName()
                                + " "
                                + v
                                + " "
                                + h.firstMatchingHeader(
                                        "x-amz-server-side-encryption-aws-kms-key-id")
                                    .orElse("(no key)")));
          }
        };
    try (S3Store store = S3Stores.store(spec, S3ProxyServer.SECRET_KEY, s -> s, List.of(headers))) {
      assertThatThrownBy(() -> write(store, "dump.sql.gz.sha256", new byte[] {1}))
          .isInstanceOfSatisfying(
              S3StorageException.class, e -> assertThat(e.statusCode()).isEqualTo(501))
          .hasMessageContaining("HTTP 501 NotImplemented");
      assertThatThrownBy(() -> write(store, "dump.sql.gz", random(6 * MIB)))
          .isInstanceOf(S3StorageException.class);
    }
    assertThat(S3.keys(bucket, "")).isEmpty();
    assertThat(S3.openUploads(bucket)).isEmpty();
    return sent;
  }

  @Test
  void checksumsWhenRequiredOnlyStillStoresExactBytes() throws IOException {
    var spec = S3Stores.spec(S3, bucket, prefix);
    spec.setChecksumMode("when_required");
    byte[] content = random(11 * MIB + 7);
    try (S3Store store = S3Stores.store(spec, S3ProxyServer.SECRET_KEY, s -> s, List.of())) {
      write(store, "dump.sql.gz", content);
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(content));
      }
      store.deleteBackup(id);
      assertThat(S3.keys(bucket, "")).isEmpty();
    }
  }

  @Test
  void uploadsAreSentWithoutAwsChunkedFramingSoAnyStoreKeepsTheExactBytes() throws IOException {
    List<String> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor framing = framingRecorder(sent);
    try (S3Store store = S3Stores.store(S3, bucket, prefix, framing)) {
      write(store, "dump.sql.gz", random(6 * MIB));
      write(store, "dump.sql.gz.sha256", new byte[] {1});
    }
    // Every body is signed whole (its SHA-256 in the header), with no aws-chunked framing.
    assertThat(sent.stream().filter(h -> h.matches("(UploadPart|PutObject)Request .*")))
        .hasSize(3)
        .allMatch(h -> h.matches("\\w+ sha256=[0-9a-f]{64} encoding=none"));

    // The SDK's defaults over plain HTTP frame the body: the check above would see it.
    List<String> defaults = new CopyOnWriteArrayList<>();
    try (var client =
        software.amazon.awssdk.services.s3.S3Client.builder()
            .endpointOverride(S3.endpoint())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(S3Stores.credentials(S3ProxyServer.SECRET_KEY))
            .overrideConfiguration(o -> o.addExecutionInterceptor(framingRecorder(defaults)))
            .build()) {
      client.putObject(b -> b.bucket(bucket).key("framed"), RequestBody.fromBytes(new byte[] {1}));
    }
    assertThat(defaults).singleElement().asString().contains("encoding=aws-chunked");
  }

  private static ExecutionInterceptor framingRecorder(List<String> sent) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        var h = c.httpRequest();
        sent.add(
            c.request().getClass().getSimpleName()
                + " sha256="
                + h.firstMatchingHeader("x-amz-content-sha256").orElse("-")
                + " encoding="
                + h.firstMatchingHeader("Content-Encoding").orElse("none"));
      }
    };
  }

  private void write(S3Store store, String file, byte[] content) throws IOException {
    try (StoreWriter w = store.create(id, file)) {
      writeInChunks(w.stream(), content, 65536);
      w.commit();
    }
  }

  static void writeInChunks(OutputStream out, byte[] content, int chunk) throws IOException {
    for (int off = 0; off < content.length; off += chunk) {
      out.write(content, off, Math.min(chunk, content.length - off));
    }
  }

  static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  static byte[] random(long size) {
    return random((int) size);
  }
}
