package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * One standard gzip member (RFC 1952) deflated on several threads, pigz's way: the plain stream is
 * cut into blocks; each block is deflated on its own by the {@link DeflateEngine} (raw deflate;
 * with zlib primed with the previous block's last 32 KiB as dictionary so matches reach across the
 * cut) and ends with a sync flush, the last one with the final block; the pieces are written in
 * order. The CRC-32 of the plain bytes is computed on the writing thread. At most {@code
 * maxInFlight} blocks are queued or being compressed, so memory stays bounded; the first error
 * fails the stream and stops the workers.
 */
final class ParallelGzipOutputStream extends OutputStream {
  static final int DICTIONARY = 32 * 1024;
  private static final AtomicInteger STREAMS = new AtomicInteger();

  private final OutputStream sink;
  private final int blockSize;
  private final int maxInFlight;
  private final ExecutorService workers;
  private final DeflateEngine.Session engine;
  private final ArrayDeque<Future<DeflatedBlock>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private long size;
  private byte[] block;
  private int filled;
  private byte[] previous;
  private int previousLength;
  private boolean failed;
  private boolean closed;

  ParallelGzipOutputStream(
      OutputStream sink, DeflateEngine engine, int level, int threads, int blockSize)
      throws IOException {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 1-9, got " + level);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (blockSize < DICTIONARY) {
      throw new IllegalArgumentException("block size must be at least 32 KiB, got " + blockSize);
    }
    this.sink = Objects.requireNonNull(sink);
    this.blockSize = blockSize;
    this.maxInFlight = 2 * threads;
    this.block = new byte[blockSize];
    this.engine = engine.open(level, threads);
    this.workers = Executors.newFixedThreadPool(threads, threadFactory());
    try {
      sink.write(GzipFormat.header(level));
    } catch (IOException | RuntimeException e) {
      failed = true;
      stopWorkers();
      throw e;
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    try {
      crc.update(b, off, len);
      size += len;
      while (len > 0) {
        int n = Math.min(len, blockSize - filled);
        System.arraycopy(b, off, block, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == blockSize) {
          submit(false);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      fail();
      throw e;
    }
  }

  /** Passes the flush on; a partial block is not cut short, which would cost ratio. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    sink.flush();
  }

  /** Compresses the rest, writes the trailer, stops the workers and closes the sink. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Throwable first = null;
    try {
      if (!failed) {
        submit(true);
        while (!inFlight.isEmpty()) {
          writeHead();
        }
        sink.write(GzipFormat.trailer(crc.getValue(), size));
      }
    } catch (IOException | RuntimeException | Error e) {
      first = e;
      fail();
    } finally {
      stopWorkers();
    }
    try {
      sink.close();
    } catch (IOException | RuntimeException e) {
      if (first == null) {
        first = e;
      } else {
        first.addSuppressed(e);
      }
    }
    rethrow(first);
  }

  private void submit(boolean last) throws IOException {
    while (inFlight.size() >= maxInFlight) {
      writeHead();
    }
    byte[] input = block;
    int length = filled;
    byte[] dictionary = previous;
    int dictionaryLength = previousLength;
    inFlight.add(
        workers.submit(() -> engine.deflate(input, length, dictionary, dictionaryLength, last)));
    previous = input;
    previousLength = length;
    block = last ? null : new byte[blockSize];
    filled = 0;
    while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
      writeHead();
    }
  }

  private void writeHead() throws IOException {
    DeflatedBlock done = await(inFlight.poll());
    sink.write(done.data(), 0, done.length());
  }

  private static DeflatedBlock await(Future<DeflatedBlock> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing with gzip");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("gzip compression failed: " + cause, cause);
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the gzip stream is closed");
    }
    if (failed) {
      throw new IOException("the gzip stream failed earlier");
    }
  }

  private void fail() {
    failed = true;
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
    workers.shutdownNow();
  }

  private void stopWorkers() {
    workers.shutdownNow();
    boolean stopped = false;
    try {
      // A block takes milliseconds; the threads are daemons should one ever hang.
      stopped = workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopped) {
      engine.close(); // native state is freed only once no worker can touch it
    }
  }

  private static void rethrow(Throwable t) throws IOException {
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error error) {
      throw error;
    }
  }

  private static ThreadFactory threadFactory() {
    String prefix = "gzip-" + STREAMS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
