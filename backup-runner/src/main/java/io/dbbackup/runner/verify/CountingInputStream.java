package io.dbbackup.runner.verify;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the bytes read through it. */
final class CountingInputStream extends FilterInputStream {
  private final AtomicLong count;
  private long local;

  CountingInputStream(InputStream in, AtomicLong count) {
    super(in);
    this.count = count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      local++;
      count.incrementAndGet();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      local += n;
      count.addAndGet(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    local += skipped;
    count.addAndGet(skipped);
    return skipped;
  }

  long count() {
    return local;
  }
}
