package io.dbbackup.runner.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#read()} for the streams whose checks all live in {@code read(byte[], int,
 * int)}: a one-byte read is a block read of one byte, so it passes the same checks.
 */
public final class SingleByteRead {
  private SingleByteRead() {}

  /** The next byte of {@code stream} (0 to 255), read as a block of one; -1 at its end. */
  public static int from(InputStream stream) throws IOException {
    byte[] one = new byte[1];
    int n = stream.read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }
}
