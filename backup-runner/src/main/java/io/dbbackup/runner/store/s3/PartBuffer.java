package io.dbbackup.runner.store.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The bytes of one part, up to a fixed limit: in memory, or in a scratch file when the part is too
 * large for the upload's memory (the parts of a dump of hundreds of GB: see {@link
 * S3Settings#spills}). In memory it starts small and grows to the limit, so a small file (a
 * checksum, a manifest) costs little. Either way the SDK re-reads it for signing and retries
 * without copying it. {@link #close()} deletes the scratch file.
 */
final class PartBuffer implements AutoCloseable {
  private static final int INITIAL = 64 * 1024;

  private final int limit;
  private final Path file;
  private final FileChannel channel;
  private byte[] data;
  private int size;

  /** A buffer in memory for up to {@code limit} bytes; {@code preallocate}: take it all now. */
  PartBuffer(long limit, boolean preallocate) {
    this.limit = checkLimit(limit);
    this.data = new byte[preallocate ? this.limit : Math.min(this.limit, INITIAL)];
    this.file = null;
    this.channel = null;
  }

  private PartBuffer(long limit, Path file, FileChannel channel) {
    this.limit = checkLimit(limit);
    this.file = file;
    this.channel = channel;
  }

  /** A buffer for up to {@code limit} bytes in a new owner-only scratch file under {@code dir}. */
  static PartBuffer inFile(long limit, Path dir) throws IOException {
    checkLimit(limit);
    Path file =
        Files.createTempFile(
            dir,
            "dbbackup-part-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      return new PartBuffer(
          limit, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Copies up to {@code len} bytes, as many as fit; returns how many. */
  int write(byte[] b, int off, int len) throws IOException {
    int n = Math.min(len, limit - size);
    if (channel != null) {
      ByteBuffer src = ByteBuffer.wrap(b, off, n);
      while (src.hasRemaining()) {
        channel.write(src);
      }
    } else {
      if (size + n > data.length) {
        grow(size + n);
      }
      System.arraycopy(b, off, data, size, n);
    }
    size += n;
    return n;
  }

  boolean isFull() {
    return size == limit;
  }

  int size() {
    return size;
  }

  long limit() {
    return limit;
  }

  /** Whether the bytes are in a scratch file. */
  boolean inFile() {
    return file != null;
  }

  /** Empties the buffer for reuse as a part of the same limit. */
  void clear() throws IOException {
    if (channel != null) {
      channel.truncate(0);
      channel.position(0);
    }
    size = 0;
  }

  /** The content as a request body the SDK can read as often as it needs. */
  RequestBody body(String contentType) {
    int length = size;
    if (file != null) {
      Path path = file;
      return RequestBody.fromContentProvider(
          () -> {
            try {
              return Files.newInputStream(path);
            } catch (IOException e) {
              throw new UncheckedIOException("reading the part in " + path, e);
            }
          },
          length,
          contentType);
    }
    byte[] bytes = data;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, contentType);
  }

  /** Deletes the scratch file, if any. */
  @Override
  public void close() throws IOException {
    if (file != null) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  private void grow(int needed) {
    long capacity = Math.max(needed, Math.min((long) limit, 2L * data.length));
    data = java.util.Arrays.copyOf(data, (int) capacity);
  }

  private static int checkLimit(long limit) {
    if (limit < 1 || limit > PartSizer.MAX_PART_SIZE) {
      throw new IllegalArgumentException("part buffer limit out of range: " + limit);
    }
    return (int) limit;
  }
}
