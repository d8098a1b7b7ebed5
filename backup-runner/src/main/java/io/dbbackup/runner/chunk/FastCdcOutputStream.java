package io.dbbackup.runner.chunk;

import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * Content-defined chunking with FastCDC (Xia et al., USENIX ATC 2016) and normalized chunking
 * (level 2): a gear rolling hash is tested against a stricter mask below the average size and a
 * looser one above it, so chunk sizes cluster around the average; no cut is made before {@code min}
 * and one is forced at {@code max}. Bytes written are cut into chunks handed to the {@link Sink} in
 * order; the last chunk is emitted on {@link #close()}. Memory: one buffer of {@code max} bytes.
 *
 * <p>The gear table is fixed (seeded), so the same bytes always give the same chunks, in every run
 * and on every machine.
 */
public final class FastCdcOutputStream extends OutputStream {
  /** Receives each chunk; the array is reused after the call returns. */
  @FunctionalInterface
  public interface Sink {
    void chunk(byte[] bytes, int len) throws IOException;
  }

  public static final int MIN = 256 * 1024;
  public static final int AVG = 1024 * 1024;
  public static final int MAX = 4 * 1024 * 1024;

  static final long[] GEAR = gear();

  private final int min;
  private final int avg;
  private final int max;
  private final long maskS;
  private final long maskL;
  private final Sink sink;
  private final byte[] buf;
  private int len;
  private long hash;
  private boolean closed;

  public FastCdcOutputStream(Sink sink) {
    this(MIN, AVG, MAX, sink);
  }

  /** {@code avg} must be a power of two; {@code 64 <= min <= avg <= max}. */
  public FastCdcOutputStream(int min, int avg, int max, Sink sink) {
    if (Integer.bitCount(avg) != 1 || min < 64 || min > avg || avg > max) {
      throw new IllegalArgumentException(
          "chunk sizes: expected 64 <= min <= avg <= max and avg a power of two, got min "
              + min
              + ", avg "
              + avg
              + ", max "
              + max);
    }
    this.min = min;
    this.avg = avg;
    this.max = max;
    int bits = Integer.numberOfTrailingZeros(avg);
    this.maskS = mask(bits + 2);
    this.maskL = mask(bits - 2);
    this.sink = sink;
    this.buf = new byte[max];
  }

  /**
   * A mask of {@code bits} one-bits spread over the upper 48 bits of the hash (the gear hash's low
   * bits depend only on the last few bytes, its high bits on a 64-byte window).
   */
  static long mask(int bits) {
    long m = 0;
    for (int i = 0; i < bits; i++) {
      m |= 1L << (63 - i * 48 / bits); // evenly over bits 16..63
    }
    return m;
  }

  private static long[] gear() {
    SplittableRandom random = new SplittableRandom(0x6462_6261_636b_7570L); // "dbbackup"
    long[] g = new long[256];
    for (int i = 0; i < 256; i++) {
      g[i] = random.nextLong();
    }
    return g;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    if (closed) {
      throw new IOException("chunker closed");
    }
    int end = off + n;
    for (int i = off; i < end; i++) {
      buf[len++] = b[i];
      hash = (hash << 1) + GEAR[b[i] & 0xff];
      if (len < min) {
        continue;
      }
      if (len >= max || (hash & (len < avg ? maskS : maskL)) == 0) {
        emit();
      }
    }
  }

  /**
   * Ends the current chunk here, whatever its size (nothing when it is empty): the bytes after a
   * cut are chunked as if the stream started with them.
   */
  public void cut() throws IOException {
    if (closed) {
      throw new IOException("chunker closed");
    }
    if (len > 0) {
      emit();
    }
  }

  private void emit() throws IOException {
    sink.chunk(buf, len);
    len = 0;
    hash = 0;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (len > 0) {
      emit();
    }
  }
}
