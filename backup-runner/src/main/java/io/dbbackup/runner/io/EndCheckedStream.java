package io.dbbackup.runner.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Data that is checked once it ends, against the stream under it: at the first end of the data
 * {@link #checkEnd()} runs, and a failed check (or a failure a subclass {@linkplain #fail
 * remembers}) fails that read and every later one. Closing closes the data, then the stream under
 * it. No mark and reset.
 */
public abstract class EndCheckedStream extends FilterInputStream {
  private final InputStream under;
  private IOException failure;
  private boolean checked;

  protected EndCheckedStream(InputStream data, InputStream under) {
    super(data);
    this.under = under;
  }

  @Override
  public final int read() throws IOException {
    return SingleByteRead.from(this);
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    int n = readData(b, off, len);
    if (n < 0 && !checked) {
      try {
        checkEnd();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      checked = true;
    }
    return n;
  }

  /** Reads the data ({@code in}); a subclass may translate its failures. */
  protected int readData(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  /** The check at the end of the data; what it throws fails every later read too. */
  protected abstract void checkEnd() throws IOException;

  /** Remembers {@code e} as this stream's failure, which every later read throws; returns it. */
  protected final <E extends IOException> E fail(E e) {
    failure = e;
    return e;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } finally {
      under.close();
    }
  }
}
