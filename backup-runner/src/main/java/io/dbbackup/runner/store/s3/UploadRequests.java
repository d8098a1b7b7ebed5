package io.dbbackup.runner.store.s3;

import io.dbbackup.api.retry.Retry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The write requests: whole objects and multipart uploads, with server-side encryption, CRC32
 * checksums (checksumMode when_supported) and create-only completion applied; a small executor
 * sends the parts. SDK errors become IOExceptions.
 */
final class UploadRequests implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UploadRequests.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final S3Client client;
  private final S3Settings settings;
  private final S3Errors errors;
  private final CreateOnly createOnly;
  private final ExecutorService executor;

  UploadRequests(S3Client client, S3Settings settings, S3Errors errors) {
    this.client = client;
    this.settings = settings;
    this.errors = errors;
    this.createOnly = new CreateOnly(settings.conditionalWrites());
    this.executor =
        Executors.newFixedThreadPool(
            settings.maxPartsInFlight(),
            r -> {
              Thread t = new Thread(r, "s3-upload-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** How long an upload's cleanup may take once the run is stopped (within the grace period). */
  static final long STOPPED_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(8);

  private volatile long stoppedAt;
  private volatile boolean stopped;

  S3Settings settings() {
    return settings;
  }

  /** The run is stopped: cleanup from now on is bounded by {@link #STOPPED_PATIENCE_NANOS}. */
  void stop() {
    stoppedAt = System.nanoTime();
    stopped = true;
  }

  /**
   * Until when an abort may wait for parts in flight and retry: the settings' cleanup patience, or
   * less once the run is stopped.
   */
  long cleanupDeadline() {
    long patient = System.nanoTime() + settings.cleanupPatience().toNanos();
    return stopped ? Math.min(patient, stoppedAt + STOPPED_PATIENCE_NANOS) : patient;
  }

  ExecutorService executor() {
    return executor;
  }

  String url(String key) {
    return "s3://" + settings.bucket() + "/" + key;
  }

  /** A whole object in one PutObject, create-only. */
  void putWhole(String key, PartBuffer body, String contentType) throws IOException {
    try {
      putCreateOnly(key, body.size(), contentType, () -> body.body(contentType));
    } catch (SdkException e) {
      throw errors.translate("writing", key, e);
    }
  }

  /**
   * {@code len} bytes of {@code content} as one PutObject, create-only ({@code If-None-Match: *}
   * where the store takes it): false when the store answers that the key exists (412), keeping the
   * stored object. A retry of a PUT the store did store but whose answer was lost also ends here.
   * The body is read from the array on each attempt, never copied.
   */
  boolean putIfAbsent(String key, byte[] content, int len, String contentType) throws IOException {
    if (len < 0 || len > content.length) {
      throw new IllegalArgumentException(
          "length " + len + " outside the content's " + content.length + " bytes");
    }
    try {
      putCreateOnly(
          key,
          len,
          contentType,
          () ->
              RequestBody.fromContentProvider(
                  () -> new ByteArrayInputStream(content, 0, len), len, contentType));
      return true;
    } catch (SdkException e) {
      IOException io = errors.translate("writing", key, e);
      if (io instanceof FileAlreadyExistsException) {
        return false;
      }
      throw io;
    }
  }

  /**
   * One PutObject of {@code length} bytes, create-only ({@code If-None-Match: *} where the store
   * takes it), with the settings' encryption and time limits; {@code body} is made anew for each
   * attempt. SDK errors are thrown as they are.
   */
  private void putCreateOnly(String key, int length, String contentType, Supplier<RequestBody> body)
      throws IOException {
    createOnly.write(
        url(key),
        conditional ->
            client.putObject(
                b -> {
                  b.bucket(settings.bucket()).key(key).contentType(contentType);
                  b.contentLength((long) length);
                  b.overrideConfiguration(settings.timeouts().forBody(length));
                  if (conditional) {
                    b.ifNoneMatch("*");
                  }
                  settings.serverSideEncryption().apply(b::serverSideEncryption, b::ssekmsKeyId);
                },
                body.get()));
  }

  /** A small object that may replace an earlier one (runner state). */
  void putReplacing(String key, byte[] content) throws IOException {
    call(
        "writing",
        key,
        () ->
            client.putObject(
                b -> {
                  b.bucket(settings.bucket()).key(key).contentType("application/json");
                  b.overrideConfiguration(settings.timeouts().forBody(content.length));
                  settings.serverSideEncryption().apply(b::serverSideEncryption, b::ssekmsKeyId);
                },
                RequestBody.fromBytes(content)));
  }

  String startUpload(String key, String contentType) throws IOException {
    return call(
        "starting the upload of",
        key,
        () ->
            client
                .createMultipartUpload(
                    b -> {
                      b.bucket(settings.bucket()).key(key).contentType(contentType);
                      if (settings.checksumsWhenSupported()) {
                        b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                      }
                      settings
                          .serverSideEncryption()
                          .apply(b::serverSideEncryption, b::ssekmsKeyId);
                    })
                .uploadId());
  }

  PartsInFlight.Uploaded uploadPart(String key, String uploadId, int number, PartBuffer buffer)
      throws IOException {
    return call(
        "uploading part " + number + " of",
        key,
        () -> {
          var response =
              client.uploadPart(
                  b -> {
                    b.bucket(settings.bucket())
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(number)
                        .contentLength((long) buffer.size())
                        .overrideConfiguration(settings.timeouts().forBody(buffer.size()));
                    if (settings.checksumsWhenSupported()) {
                      b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                    }
                  },
                  buffer.body("application/octet-stream"));
          var part = CompletedPart.builder().partNumber(number).eTag(response.eTag());
          if (settings.checksumsWhenSupported()) {
            part.checksumCRC32(response.checksumCRC32());
          }
          return new PartsInFlight.Uploaded(part.build(), buffer);
        });
  }

  /** Completes an upload, create-only. */
  void completeUpload(String key, String uploadId, List<CompletedPart> parts) throws IOException {
    try {
      createOnly.write(
          url(key),
          conditional ->
              client.completeMultipartUpload(
                  b -> {
                    b.bucket(settings.bucket())
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts))
                        .overrideConfiguration(settings.timeouts().forCompletion());
                    if (conditional) {
                      b.ifNoneMatch("*");
                    }
                  }));
    } catch (SdkException e) {
      throw errors.translate("completing the upload of", key, e);
    }
  }

  /**
   * Aborts an upload, retrying (the store may be restarting) until {@code deadlineNanos}; never
   * throws. An upload it cannot abort is logged, and aborted by the next backup run.
   */
  void abortUpload(String key, String uploadId, long deadlineNanos) {
    try {
      ABORT_RETRY
          .until(deadlineNanos)
          .call(
              attempt -> {
                abortOnce(key, uploadId);
                return null;
              },
              e -> e instanceof SdkException,
              null);
    } catch (SdkException | InterruptedException e) {
      LOG.atError()
          .addKeyValue("event", "upload_abort_failed")
          .addKeyValue("key", key)
          .addKeyValue("upload_id", uploadId)
          .addKeyValue("error", e.getMessage())
          .log(
              "could not abort a multipart upload; the next backup run aborts it (a bucket"
                  + " lifecycle rule AbortIncompleteMultipartUpload also removes it)");
    }
  }

  /** Waits between tries to abort an upload: from 250 ms, doubling, at most 5 s. */
  private static final Retry ABORT_RETRY =
      Retry.backoff(Duration.ofMillis(250)).atMost(Duration.ofSeconds(5));

  private void abortOnce(String key, String uploadId) {
    try {
      client.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
      LOG.atInfo()
          .addKeyValue("event", "upload_aborted")
          .addKeyValue("key", key)
          .log("multipart upload aborted; nothing of it is left in the bucket");
    } catch (AwsServiceException e) {
      if (e.statusCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A request whose SDK errors become IOExceptions. */
  private <T> T call(String action, String key, java.util.function.Supplier<T> request)
      throws IOException {
    try {
      return request.get();
    } catch (SdkException e) {
      throw errors.translate(action, key, e);
    }
  }
}
