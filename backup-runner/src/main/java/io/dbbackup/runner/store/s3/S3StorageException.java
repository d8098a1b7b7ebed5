package io.dbbackup.runner.store.s3;

import java.io.IOException;

/**
 * A request to the object store failed: an {@link IOException}, so the runner's storage error
 * mapping gives it exit 6, carrying the HTTP status and S3 error code when the store answered.
 */
public final class S3StorageException extends IOException {
  private final int statusCode;
  private final String errorCode;

  public S3StorageException(String message, int statusCode, String errorCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  public S3StorageException(String message) {
    this(message, 0, null, null);
  }

  /** The HTTP status the store answered with; 0 when it could not be reached. */
  public int statusCode() {
    return statusCode;
  }

  /** The S3 error code (e.g. AccessDenied, NoSuchBucket), when the store sent one. */
  public String errorCode() {
    return errorCode;
  }
}
