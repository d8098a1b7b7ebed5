package io.dbbackup.runner.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that reads in blocks: the one-byte read (a block of one) and the empty read (0,
 * nothing read) are answered here, so a subclass only reads blocks of at least one byte.
 */
public abstract class BlockInputStream extends InputStream {

  @Override
  public final int read() throws IOException {
    return SingleByteRead.from(this);
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    return readBlock(b, off, len);
  }

  /** Reads 1 to {@code len} bytes ({@code len} is at least 1) into {@code b}; -1 at the end. */
  protected abstract int readBlock(byte[] b, int off, int len) throws IOException;
}
