package io.dbbackup.runner.store.s3;

import static io.dbbackup.runner.store.s3.S3StoreIT.random;
import static io.dbbackup.runner.store.s3.S3StoreIT.writeInChunks;
import static io.dbbackup.runner.store.s3.S3Stores.MIB;
import static io.dbbackup.runner.store.s3.S3Stores.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.StoreWriter;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What the store does when the object store refuses, disappears, or lacks a feature. */
class S3StoreFailureIT {
  final S3ProxyServer s3 = new S3ProxyServer();
  String bucket;
  final String prefix = "backups";
  final BackupId earlier = BackupId.generate(Instant.parse("2026-11-19T02:00:00Z"));
  final BackupId id = BackupId.generate(Instant.parse("2026-11-20T02:00:00Z"));

  @BeforeEach
  void start() {
    s3.start();
    bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
  }

  @AfterEach
  void close() {
    s3.close();
  }

  @Test
  void wrongCredentialsAreAStorageFailureSayingWhatToCheck() {
    String wrong = "not-the-secret-" + UUID.randomUUID();
    try (S3Store store =
        S3Stores.store(S3Stores.spec(s3, bucket, prefix), wrong, s -> s, List.of())) {
      assertThatThrownBy(store::checkWritable)
          .isInstanceOfSatisfying(
              S3StorageException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch");
                RunnerException r = StorageErrors.classify("the backup target is not writable", e);
                assertThat(r.exitCode()).isEqualTo(ExitCode.STORAGE_FAILED);
                assertThat(r.getMessage())
                    .contains(
                        "the store refused the credentials (HTTP 403 SignatureDoesNotMatch): check"
                            + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the test")
                    .doesNotContain(wrong);
              });
    }
  }

  @Test
  void aMissingBucketIsNamed() {
    try (S3Store store = S3Stores.store(s3, "no-such-bucket", prefix)) {
      assertThatThrownBy(store::checkWritable)
          .isInstanceOf(S3StorageException.class)
          .hasMessageContaining(
              "bucket no-such-bucket does not exist at "
                  + s3.endpoint()
                  + " (HTTP 404 NoSuchBucket): check spec.storage.s3.bucket");
    }
  }

  @Test
  void anUnreachableStoreIsAStorageFailure() {
    s3.stop();
    try (S3Store store = S3Stores.store(s3, bucket, prefix)) {
      assertThatThrownBy(store::listIds)
          .isInstanceOfSatisfying(
              S3StorageException.class, e -> assertThat(e.statusCode()).isZero())
          .hasMessageContaining("the store at " + s3.endpoint() + " could not be reached");
    }
  }

  @Test
  void serverStoppedMidUploadLeavesNoObjectNoUploadAndEarlierBackupsIntact() throws Exception {
    byte[] kept = random(6 * MIB);
    try (S3Store store = S3Stores.store(s3, bucket, prefix)) {
      write(store, earlier, kept);
      var held = s3.holdPartsFrom(2);
      StoreWriter writer = store.create(id, "dump.sql.gz");
      CompletableFuture<Throwable> outcome = uploadInBackground(writer, 40 * MIB);
      assertThat(held.await(60, TimeUnit.SECONDS)).as("part 2 reached the server").isTrue();
      s3.stop();
      // A short outage: the server comes back while the runner is cleaning up.
      Thread.sleep(3000);
      s3.restart();

      Throwable failure = outcome.get(90, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(S3StorageException.class);
      assertThat(StorageErrors.classify("writing", (IOException) failure).exitCode())
          .isEqualTo(ExitCode.STORAGE_FAILED);
      assertThat(s3.openUploads(bucket)).isEmpty();
      assertThat(s3.keys(bucket, ""))
          .containsExactly(prefix + "/shop/orders-db/" + earlier + "/dump.sql.gz");
      try (InputStream in = store.open(earlier, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(kept));
      }
    }
  }

  @Test
  void anUploadTheRunCouldNotAbortIsAbortedByTheNextRun() throws Exception {
    try (S3Store store =
        S3Stores.store(
            S3Stores.spec(s3, bucket, prefix),
            S3ProxyServer.SECRET_KEY,
            s -> s.withCleanupPatience(Duration.ofSeconds(1)),
            List.of())) {
      var held = s3.holdPartsFrom(2);
      StoreWriter writer = store.create(id, "dump.sql.gz");
      CompletableFuture<Throwable> outcome = uploadInBackground(writer, 30 * MIB);
      assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
      s3.stop();
      assertThat(outcome.get(90, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }
    s3.restart();
    assertThat(s3.openUploads(bucket)).hasSize(1);

    try (S3Store next = S3Stores.store(s3, bucket, prefix)) {
      next.checkWritable();
    }
    assertThat(s3.openUploads(bucket)).isEmpty();
    assertThat(s3.keys(bucket, "")).isEmpty();
  }

  @Test
  void withoutConditionalWritesAutoFallsBackToCheckThenWrite() throws IOException {
    byte[] big = random(12 * MIB);
    try (S3Store store =
        S3Stores.store(
            S3Stores.spec(s3, bucket, prefix),
            S3ProxyServer.SECRET_KEY,
            s -> s,
            List.of(new RejectsConditions()))) {
      write(store, id, big);
      try (StoreWriter w = store.create(id, "dump.sql.gz.sha256")) {
        w.stream().write(new byte[] {7});
        w.commit();
      }
      try (InputStream in = store.open(id, "dump.sql.gz")) {
        assertThat(sha256(in)).isEqualTo(sha256(big));
      }
      assertThatThrownBy(() -> store.create(id, "dump.sql.gz"))
          .isInstanceOf(FileAlreadyExistsException.class);
    }
    assertThat(s3.openUploads(bucket)).isEmpty();
  }

  @Test
  void withoutConditionalWritesRequiredFailsNamingTheField() {
    try (S3Store store =
        S3Stores.store(
            S3Stores.spec(s3, bucket, prefix),
            S3ProxyServer.SECRET_KEY,
            s -> s.withConditionalWrites(ConditionalWrites.REQUIRED),
            List.of(new RejectsConditions()))) {
      assertThatThrownBy(() -> write(store, id, random(12 * MIB)))
          .isInstanceOf(S3StorageException.class)
          .hasMessageContaining("does not support create-only writes")
          .hasMessageContaining("set spec.storage.s3.conditionalWrites to auto or off");
    }
    assertThat(s3.openUploads(bucket)).isEmpty();
    assertThat(s3.keys(bucket, "")).isEmpty();
  }

  private static void write(S3Store store, BackupId id, byte[] content) throws IOException {
    try (StoreWriter w = store.create(id, "dump.sql.gz")) {
      writeInChunks(w.stream(), content, 1 << 18);
      w.commit();
    }
  }

  /** Answers If-None-Match as s3proxy does for backends without conditional writes. */
  static final class RejectsConditions implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
      boolean conditional =
          (c.request() instanceof PutObjectRequest p && p.ifNoneMatch() != null)
              || (c.request() instanceof CompleteMultipartUploadRequest m
                  && m.ifNoneMatch() != null);
      if (conditional) {
        throw S3Exception.builder()
            .statusCode(501)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("NotImplemented")
                    .errorMessage("Conditional writes are not supported by this backend.")
                    .build())
            .build();
      }
    }
  }

  /** Writes {@code size} random bytes through {@code writer} and commits; the failure, or null. */
  static CompletableFuture<Throwable> uploadInBackground(StoreWriter writer, long size) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (writer) {
            writeInChunks(writer.stream(), random(size), 1 << 18);
            writer.commit();
            return null;
          } catch (IOException e) {
            return e;
          }
        });
  }
}
