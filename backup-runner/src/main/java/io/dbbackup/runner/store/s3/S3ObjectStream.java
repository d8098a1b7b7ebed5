package io.dbbackup.runner.store.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An object being read: the SDK's errors (a dropped connection, a checksum that does not match)
 * become IOExceptions, and closing before the end drops the connection instead of reading the rest
 * of a large object.
 */
final class S3ObjectStream extends FilterInputStream {
  private final ResponseInputStream<?> response;
  private final String key;
  private final S3Errors errors;
  private boolean ended;

  S3ObjectStream(ResponseInputStream<?> response, String key, S3Errors errors) {
    super(response);
    this.response = response;
    this.key = key;
    this.errors = errors;
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      ended |= b < 0;
      return b;
    } catch (SdkException e) {
      throw errors.translate("reading", key, e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = super.read(b, off, len);
      ended |= n < 0;
      return n;
    } catch (SdkException e) {
      throw errors.translate("reading", key, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (!ended) {
      response.abort();
    }
    try {
      super.close();
    } catch (SdkException e) {
      throw errors.translate("closing", key, e);
    }
  }
}
