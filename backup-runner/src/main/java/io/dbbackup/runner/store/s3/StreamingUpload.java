package io.dbbackup.runner.store.s3;

import io.dbbackup.runner.store.StoreWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object written as a stream of unknown length, in bounded memory. Bytes fill a part buffer;
 * when it is full and more bytes come, the multipart upload starts and the part is uploaded on the
 * store's executor while the next one fills, with at most {@link S3Settings#partsInFlight} parts
 * uploading. An object smaller than one part is a single PutObject at commit. Commit completes the
 * upload create-only; any failure, and {@link #abort()}, leave nothing behind.
 */
final class StreamingUpload implements StoreWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingUpload.class);

  private enum State {
    OPEN,
    COMMITTED,
    ABORTED
  }

  /** A part being uploaded, and the thread uploading it (to interrupt on abort). */
  private record Pending(int number, Future<Uploaded> result, AtomicReference<Thread> runner) {}

  /** An uploaded part, with its buffer for reuse. */
  record Uploaded(CompletedPart part, PartBuffer buffer) {}

  private final S3Requests requests;
  private final String key;
  private final String contentType;
  private final PartSizer sizer;
  private final OutputStream stream = new Out();
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final List<CompletedPart> parts = new ArrayList<>();
  private volatile boolean aborted;
  private State state = State.OPEN;
  private PartBuffer current;
  private PartBuffer spare;
  private String uploadId;
  private int partsSent;
  private long bytes;
  private IOException failure;

  StreamingUpload(S3Requests requests, String key, String contentType) {
    this.requests = requests;
    this.key = key;
    this.contentType = contentType;
    this.sizer = requests.settings().partSizer();
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /** Parts uploaded so far (0 for an object sent whole). */
  int partsSent() {
    return partsSent;
  }

  @Override
  public void commit() throws IOException {
    if (state == State.COMMITTED) {
      return;
    }
    checkOpen();
    boolean done = false;
    try {
      if (uploadId == null) {
        PartBuffer whole = current != null ? current : new PartBuffer(1, false);
        requests.putWhole(key, whole, contentType);
      } else {
        if (current != null && current.size() > 0) {
          send(current);
        }
        current = null;
        while (!pending.isEmpty()) {
          collect(pending.removeFirst());
        }
        parts.sort(Comparator.comparing(CompletedPart::partNumber));
        requests.completeUpload(key, uploadId, parts);
      }
      state = State.COMMITTED;
      done = true;
      LOG.atDebug()
          .addKeyValue("event", "object_written")
          .addKeyValue("key", key)
          .addKeyValue("bytes", bytes)
          .addKeyValue("parts", partsSent)
          .log("object written");
    } finally {
      current = null;
      spare = null;
      if (!done) {
        abort();
      }
    }
  }

  @Override
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    aborted = true;
    current = null;
    spare = null;
    long deadline = System.nanoTime() + requests.settings().cleanupPatience().toNanos();
    for (Pending p : pending) {
      Thread t = p.runner().get();
      if (t != null) {
        t.interrupt();
      }
    }
    // Wait for every part request to end, so none lands after the upload is aborted.
    for (Pending p : pending) {
      try {
        p.result()
            .get(
                Math.max(0, deadline - System.nanoTime()),
                java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // failed or still running: the abort below removes what the store kept
      }
    }
    pending.clear();
    if (uploadId != null) {
      requests.abortUpload(key, uploadId, deadline);
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    while (len > 0) {
      if (current == null) {
        current = new PartBuffer(sizer.sizeOf(1), false);
      }
      if (current.isFull()) {
        if (partsSent + 1 >= sizer.maxParts()) {
          throw fail(
              new S3StorageException(
                  requests.url(key)
                      + ": the object is larger than "
                      + sizer.maxParts()
                      + " parts can hold ("
                      + sizer.capacity()
                      + " bytes from a first part of "
                      + sizer.firstPartSize()
                      + " bytes): raise spec.storage.s3.partSizeMiB or spec.storage.s3.maxParts"));
        }
        send(current);
        current = nextBuffer(sizer.sizeOf(partsSent + 1));
      }
      int n = current.write(b, off, len);
      off += n;
      len -= n;
      bytes += n;
    }
  }

  /** Uploads {@code buffer} as the next part, once fewer than the allowed parts are in flight. */
  private void send(PartBuffer buffer) throws IOException {
    if (uploadId == null) {
      try {
        uploadId = requests.startUpload(key, contentType);
      } catch (IOException e) {
        throw fail(e);
      }
    }
    int number = ++partsSent;
    while (!pending.isEmpty() && pending.peekFirst().result().isDone()) {
      collect(pending.removeFirst());
    }
    while (pending.size() >= requests.settings().partsInFlight(buffer.limit())) {
      collect(pending.removeFirst());
    }
    AtomicReference<Thread> runner = new AtomicReference<>();
    String id = uploadId;
    try {
      Future<Uploaded> result =
          requests
              .executor()
              .submit(
                  () -> {
                    if (aborted) {
                      throw new InterruptedIOException("upload aborted");
                    }
                    runner.set(Thread.currentThread());
                    try {
                      return requests.uploadPart(key, id, number, buffer);
                    } finally {
                      runner.set(null);
                    }
                  });
      pending.addLast(new Pending(number, result, runner));
    } catch (RejectedExecutionException e) {
      throw fail(new S3StorageException(requests.url(key) + ": the store is closed"));
    }
  }

  /** Waits for a part; its buffer becomes the spare, a failure fails the upload. */
  private void collect(Pending p) throws IOException {
    try {
      Uploaded u = p.result().get();
      parts.add(u.part());
      if (spare == null) {
        u.buffer().clear();
        spare = u.buffer();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(new InterruptedIOException("interrupted while uploading " + requests.url(key)));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw fail(
          cause instanceof IOException io
              ? io
              : cause instanceof SdkException sdk
                  ? requests.errors().translate("uploading part " + p.number() + " of", key, sdk)
                  : new S3StorageException(
                      requests.url(key) + ": part " + p.number() + " failed: " + cause,
                      0,
                      null,
                      cause));
    }
  }

  private PartBuffer nextBuffer(long limit) {
    PartBuffer b = spare;
    spare = null;
    return b != null && b.limit() == limit ? b : new PartBuffer(limit, true);
  }

  private IOException fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  private void checkOpen() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (state != State.OPEN) {
      throw new IOException(requests.url(key) + ": the upload is " + state.name().toLowerCase());
    }
  }

  /** The writer's stream: buffered by part; close does not commit. */
  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      StreamingUpload.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      StreamingUpload.this.write(b, off, len);
    }
  }
}
