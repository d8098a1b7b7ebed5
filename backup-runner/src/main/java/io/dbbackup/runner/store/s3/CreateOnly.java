package io.dbbackup.runner.store.s3;

import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Create-only writes: {@code If-None-Match: *} on PutObject and CompleteMultipartUpload, so a write
 * never replaces an object. A store that rejects the header is remembered, and (in {@link
 * ConditionalWrites#AUTO}) written to without it: the store checked the object was absent when the
 * writer was created, and the run lock keeps other runs of the resource away.
 */
final class CreateOnly {
  private static final Logger LOG = LoggerFactory.getLogger(CreateOnly.class);

  /** One write, made with or without the condition. */
  @FunctionalInterface
  interface Write<T> {
    T send(boolean conditional);
  }

  private final ConditionalWrites mode;
  private volatile boolean rejected;

  CreateOnly(ConditionalWrites mode) {
    this.mode = mode;
  }

  /** Makes {@code write}, conditionally while the store accepts it; SDK errors propagate. */
  <T> T write(String url, Write<T> write) throws IOException {
    boolean conditional = mode != ConditionalWrites.OFF && !rejected;
    if (!conditional) {
      return write.send(false);
    }
    try {
      return write.send(true);
    } catch (AwsServiceException e) {
      if (!rejectsConditions(e)) {
        throw e;
      }
      String answer =
          "HTTP "
              + e.statusCode()
              + " "
              + errorCode(e)
              + (e.awsErrorDetails() == null ? "" : ": " + e.awsErrorDetails().errorMessage());
      if (mode == ConditionalWrites.REQUIRED) {
        throw new S3StorageException(
            url
                + ": the store does not support create-only writes (If-None-Match: *; it answered "
                + answer
                + "): set spec.storage.s3.conditionalWrites to auto or off",
            e.statusCode(),
            errorCode(e),
            e);
      }
      T result = write.send(false);
      rejected = true;
      LOG.atWarn()
          .addKeyValue("event", "conditional_writes_unsupported")
          .addKeyValue("answer", answer)
          .log(
              "the store rejects If-None-Match: *; writing without it (objects are checked"
                  + " absent first, and the run lock keeps other runs away)");
      return result;
    }
  }

  /**
   * Whether a store refused the request because of the condition itself (not because the object
   * exists): a 501 or 400 whose message names the header or conditional writes, or is S3's "a
   * header you provided implies functionality that is not implemented".
   */
  static boolean rejectsConditions(AwsServiceException e) {
    if (e.statusCode() != 501 && e.statusCode() != 400) {
      return false;
    }
    String message =
        e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
            ? ""
            : e.awsErrorDetails().errorMessage().toLowerCase(Locale.ROOT);
    return message.contains("if-none-match")
        || message.contains("conditional")
        || message.contains("a header you provided implies functionality that is not implemented");
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }
}
