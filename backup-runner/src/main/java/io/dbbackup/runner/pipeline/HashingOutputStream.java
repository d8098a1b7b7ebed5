package io.dbbackup.runner.pipeline;

import io.dbbackup.api.hash.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;

/** Passes bytes through while counting them and hashing them with SHA-256. */
public final class HashingOutputStream extends FilterOutputStream {
  private final MessageDigest digest = Sha256.newDigest();
  private final AtomicLong count;

  public HashingOutputStream(OutputStream out, AtomicLong count) {
    super(out);
    this.count = count;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count.incrementAndGet();
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    count.addAndGet(len);
  }

  /** The hex SHA-256 of everything written; call once, after the last write. */
  public String sha256Hex() {
    return Sha256.hex(digest);
  }

  public long count() {
    return count.get();
  }
}
