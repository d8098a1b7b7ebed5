package io.dbbackup.runner.store.s3;

import io.dbbackup.runner.store.StoreWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object written as a stream of unknown length, in bounded memory. Bytes fill a part buffer;
 * when it is full and more bytes come, the multipart upload starts and the part is sent while the
 * next one fills (every part of the size {@link PartSizer} gives, but the last), with at most
 * {@link S3Settings#partsInFlight} parts in flight. Parts too large for the upload's memory are
 * kept in scratch files ({@link S3Settings#spills}). An object smaller than one part is a single
 * PutObject at commit. Commit completes the upload create-only; a failure, and {@link #abort()},
 * abort the upload so nothing half-uploaded stays behind; either way the scratch files are deleted.
 */
final class StreamingUpload implements StoreWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingUpload.class);

  private enum State {
    OPEN,
    COMMITTED,
    ABORTED
  }

  private final UploadRequests requests;
  private final String key;
  private final String contentType;
  private final PartSizer sizer;
  private final PartsInFlight inFlight;
  private final OutputStream stream = new Out();
  private State state = State.OPEN;
  private PartBuffer current;
  private String uploadId;
  private int partsSent;
  private long bytes;
  private IOException failure;
  private final List<PartBuffer> scratch = new ArrayList<>();

  /** Parts of {@code sizer}'s size, all equal but the last. */
  StreamingUpload(UploadRequests requests, String key, String contentType, PartSizer sizer) {
    this.requests = requests;
    this.key = key;
    this.contentType = contentType;
    this.sizer = sizer;
    this.inFlight = new PartsInFlight(requests.executor(), requests.url(key));
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /** Parts sent so far (0 for an object sent whole). */
  int partsSent() {
    return partsSent;
  }

  @Override
  public void commit() throws IOException {
    if (state == State.COMMITTED) {
      return;
    }
    boolean done = false;
    try {
      checkOpen();
      if (uploadId == null) {
        requests.putWhole(key, current != null ? current : new PartBuffer(1, false), contentType);
      } else {
        if (current != null && current.size() > 0) {
          send(current);
        }
        current = null;
        requests.completeUpload(key, uploadId, inFlight.awaitAll());
      }
      state = State.COMMITTED;
      done = true;
      LOG.atDebug()
          .addKeyValue("event", "object_written")
          .addKeyValue("key", key)
          .addKeyValue("bytes", bytes)
          .addKeyValue("parts", partsSent)
          .log("object written");
    } catch (IOException e) {
      throw fail(e);
    } finally {
      current = null;
      if (!done) {
        abort();
      }
      deleteScratch();
    }
  }

  @Override
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    current = null;
    // A stopped run's interrupt must not cut the cleanup short; it is bounded by the deadline.
    boolean interrupted = Thread.interrupted();
    try {
      long deadline = requests.cleanupDeadline();
      // Parts still in flight get half the time; aborting the upload gets the rest.
      inFlight.cancel(System.nanoTime() + Math.max(0, deadline - System.nanoTime()) / 2);
      if (uploadId != null) {
        requests.abortUpload(key, uploadId, deadline);
      }
      deleteScratch();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A buffer for parts of {@code limit} bytes: in memory, or a scratch file when too large. */
  private PartBuffer newBuffer(long limit, boolean preallocate) throws IOException {
    if (!requests.settings().spills(limit)) {
      return new PartBuffer(limit, preallocate);
    }
    PartBuffer buffer = PartBuffer.inFile(limit, requests.settings().scratchDir());
    scratch.add(buffer);
    return buffer;
  }

  /** Deletes the scratch files; the parts in them are sent, or the upload is aborted. */
  private void deleteScratch() {
    for (PartBuffer buffer : scratch) {
      try {
        buffer.close();
      } catch (IOException e) {
        LOG.atWarn()
            .addKeyValue("event", "scratch_not_deleted")
            .addKeyValue("error", e.getMessage())
            .log("a scratch file of the upload could not be deleted");
      }
    }
    scratch.clear();
  }

  private void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    while (len > 0) {
      if (current == null) {
        current = newBuffer(sizer.partSize(), false);
      }
      if (current.isFull()) {
        if (partsSent + 1 >= sizer.maxParts()) {
          throw fail(tooLarge());
        }
        send(current);
        current = inFlight.buffer(sizer.partSize(), limit -> newBuffer(limit, true));
      }
      int n = current.write(b, off, len);
      off += n;
      len -= n;
      bytes += n;
    }
  }

  /** Sends {@code buffer} as the next part, starting the upload with the first. */
  private void send(PartBuffer buffer) throws IOException {
    try {
      if (uploadId == null) {
        uploadId = requests.startUpload(key, contentType);
      }
      int number = ++partsSent;
      String id = uploadId;
      inFlight.submit(
          number,
          requests.settings().partsInFlight(buffer.limit()),
          () -> requests.uploadPart(key, id, number, buffer));
    } catch (IOException e) {
      throw fail(e);
    }
  }

  private S3StorageException tooLarge() {
    return new S3StorageException(
        requests.url(key)
            + ": the object is larger than "
            + sizer.maxParts()
            + " parts of "
            + sizer.partSize()
            + " bytes hold ("
            + sizer.capacity()
            + " bytes; the parts of one upload all have the same size, chosen before the dump"
            + " from spec.storage.s3.partSizeMiB and the databases' size): raise"
            + " spec.storage.s3.partSizeMiB, or spec.storage.s3.maxParts where the store allows");
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
      throw new IOException(
          requests.url(key) + ": the upload is " + state.name().toLowerCase(Locale.ROOT));
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
      Objects.checkFromIndexSize(off, len, b.length);
      StreamingUpload.this.write(b, off, len);
    }
  }
}
