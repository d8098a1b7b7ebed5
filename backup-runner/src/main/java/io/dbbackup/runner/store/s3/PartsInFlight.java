package io.dbbackup.runner.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The parts of one multipart upload being sent: at most a given number at once on the store's
 * executor, collected oldest first; the buffer of a sent part comes back for the next one, and the
 * others are closed (a scratch file is deleted as soon as its part is sent).
 */
final class PartsInFlight {
  /** An uploaded part, with its buffer for reuse. */
  record Uploaded(CompletedPart part, PartBuffer buffer) {}

  /** Sends one part. */
  @FunctionalInterface
  interface PartUpload {
    Uploaded send() throws IOException;
  }

  /** A part being uploaded, and the thread uploading it (to interrupt on cancel). */
  private record Pending(int number, Future<Uploaded> result, AtomicReference<Thread> runner) {}

  private final ExecutorService executor;
  private final String url;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final List<CompletedPart> sent = new ArrayList<>();
  private volatile boolean cancelled;
  private PartBuffer spare;

  PartsInFlight(ExecutorService executor, String url) {
    this.executor = executor;
    this.url = url;
  }

  /** Starts part {@code number} once fewer than {@code limit} are in flight. */
  void submit(int number, int limit, PartUpload upload) throws IOException {
    while (!pending.isEmpty() && pending.peekFirst().result().isDone()) {
      collect(pending.removeFirst());
    }
    while (pending.size() >= limit) {
      collect(pending.removeFirst());
    }
    AtomicReference<Thread> runner = new AtomicReference<>();
    try {
      Future<Uploaded> result =
          executor.submit(
              () -> {
                if (cancelled) {
                  throw new InterruptedIOException("upload aborted");
                }
                runner.set(Thread.currentThread());
                try {
                  return upload.send();
                } finally {
                  runner.set(null);
                }
              });
      pending.addLast(new Pending(number, result, runner));
    } catch (RejectedExecutionException e) {
      throw new S3StorageException(url + ": the store is closed");
    }
  }

  /** Waits for every part; the completed parts in part order. */
  List<CompletedPart> awaitAll() throws IOException {
    while (!pending.isEmpty()) {
      collect(pending.removeFirst());
    }
    sent.sort(Comparator.comparing(CompletedPart::partNumber));
    return List.copyOf(sent);
  }

  /** Makes a part buffer of a given limit. */
  @FunctionalInterface
  interface Buffers {
    PartBuffer create(long limit) throws IOException;
  }

  /** A buffer of {@code limit} bytes: a sent part's, or a new one from {@code buffers}. */
  PartBuffer buffer(long limit, Buffers buffers) throws IOException {
    PartBuffer b = spare;
    spare = null;
    if (b != null && b.limit() == limit) {
      return b;
    }
    if (b != null) {
      b.close(); // not of this size: its scratch file goes now
    }
    return buffers.create(limit);
  }

  /**
   * Interrupts the parts being sent and waits (until {@code deadlineNanos}) for every request to
   * end, so none lands after the upload is aborted.
   */
  void cancel(long deadlineNanos) {
    cancelled = true;
    spare = null;
    for (Pending p : pending) {
      Thread t = p.runner().get();
      if (t != null) {
        t.interrupt();
      }
    }
    for (Pending p : pending) {
      try {
        p.result().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // failed, or still running: aborting the upload removes what the store kept
      }
    }
    pending.clear();
  }

  private void collect(Pending p) throws IOException {
    try {
      Uploaded u = p.result().get();
      sent.add(u.part());
      if (spare == null) {
        u.buffer().clear();
        spare = u.buffer();
      } else {
        u.buffer().close(); // one spare is enough: a scratch file goes now
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading " + url);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new S3StorageException(
              url + ": part " + p.number() + " failed: " + cause, 0, null, cause);
    }
  }
}
