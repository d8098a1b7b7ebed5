package io.dbbackup.runner.chunk;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Receives the chunks of one dump in order: names each (HMAC of its plain bytes), keeps known ones
 * (named by an earlier index and still in the store with that size) and seals and stores the new
 * ones on a small pool. Memory is bounded: at most {@code uploads + 1} chunks (each up to {@link
 * FastCdcOutputStream#MAX} plain bytes plus its sealed copy) are held at once; the writer blocks
 * the dump while they are all busy.
 */
public final class ChunkWriter implements FastCdcOutputStream.Sink, AutoCloseable {
  private final ChunkStore store;
  private final ChunkKey key;
  private final ChunkFormat format;
  private final Map<String, ChunkIndex.Entry> known;
  private final ExecutorService pool;
  private final Semaphore slots;
  private final List<Future<ChunkIndex.Entry>> order = new ArrayList<>();
  private final Map<String, Future<ChunkIndex.Entry>> thisRun = new HashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong newChunks = new AtomicLong();
  private final AtomicLong newBytes = new AtomicLong();
  private final AtomicLong storedProgress;

  /**
   * @param known chunks named by earlier indexes, by file
   * @param uploads how many chunks are sealed and stored at once
   * @param storedProgress counts the stored bytes added (for progress lines); may be null
   */
  public ChunkWriter(
      ChunkStore store,
      ChunkKey key,
      ChunkFormat format,
      Map<String, ChunkIndex.Entry> known,
      int uploads,
      AtomicLong storedProgress) {
    this.store = store;
    this.key = key;
    this.format = format;
    this.known = known;
    this.pool =
        Executors.newFixedThreadPool(
            uploads, Thread.ofPlatform().name("chunk-upload-", 0).daemon(true).factory());
    this.slots = new Semaphore(uploads + 1);
    this.storedProgress = storedProgress == null ? new AtomicLong() : storedProgress;
  }

  /** What this run added and what its index names. */
  public record Result(ChunkIndex index, long newChunks, long newBytes) {}

  @Override
  public void chunk(byte[] bytes, int len) throws IOException {
    rethrow();
    String file = format.file(key.name(bytes, 0, len));
    Future<ChunkIndex.Entry> same = thisRun.get(file);
    if (same != null) {
      order.add(same);
      return;
    }
    ChunkIndex.Entry old = known.get(file);
    if (old != null && old.plainBytes() == len) {
      OptionalLong size = store.size(file);
      if (size.isPresent() && size.getAsLong() == old.storedBytes()) {
        Future<ChunkIndex.Entry> f = CompletableFuture.completedFuture(old);
        thisRun.put(file, f);
        order.add(f);
        return;
      }
    }
    byte[] copy = Arrays.copyOf(bytes, len);
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a chunk upload");
    }
    Future<ChunkIndex.Entry> f;
    try {
      f =
          pool.submit(
              () -> {
                try {
                  return store(file, copy);
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                  throw t;
                } finally {
                  slots.release();
                }
              });
    } catch (RuntimeException e) {
      slots.release();
      throw new IOException("cannot queue a chunk upload: " + e, e);
    }
    thisRun.put(file, f);
    order.add(f);
  }

  private ChunkIndex.Entry store(String file, byte[] plain) throws IOException {
    byte[] sealed = format.seal(plain, plain.length);
    String sha = sha256(sealed, sealed.length);
    if (store.put(file, sealed, sealed.length)) {
      newChunks.incrementAndGet();
      newBytes.addAndGet(sealed.length);
      storedProgress.addAndGet(sealed.length);
      return new ChunkIndex.Entry(file, plain.length, sealed.length, sha);
    }
    // Stored already (by a run that failed before its index, or another name's twin): the stored
    // file is kept, and the index records it as it is.
    MessageDigest md = Sha256.newDigest();
    long n = 0;
    try (InputStream in = store.open(file)) {
      byte[] buf = new byte[64 * 1024];
      int r;
      while ((r = in.read(buf)) >= 0) {
        md.update(buf, 0, r);
        n += r;
      }
    }
    return new ChunkIndex.Entry(file, plain.length, n, Sha256.hex(md));
  }

  private void rethrow() throws IOException {
    Throwable t = failure.get();
    if (t != null) {
      throw t instanceof IOException io ? io : new IOException("chunk upload failed: " + t, t);
    }
  }

  /** Waits for every upload; the index lists the chunks in dump order. */
  public Result finish(String id) throws IOException {
    List<ChunkIndex.Entry> entries = new ArrayList<>(order.size());
    for (Future<ChunkIndex.Entry> f : order) {
      try {
        entries.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for chunk uploads");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof IOException io ? io : new IOException("chunk upload failed: " + c, c);
      }
    }
    return new Result(
        new ChunkIndex(ChunkIndex.FORMAT_VERSION, id, entries), newChunks.get(), newBytes.get());
  }

  /** Stops the pool; uploads still running are interrupted. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  static String sha256(byte[] b, int len) {
    MessageDigest md = Sha256.newDigest();
    md.update(b, 0, len);
    return Sha256.hex(md);
  }
}
