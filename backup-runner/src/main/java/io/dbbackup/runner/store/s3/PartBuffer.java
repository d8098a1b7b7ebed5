package io.dbbackup.runner.store.s3;

import java.io.ByteArrayInputStream;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The bytes of one part, in memory, up to a fixed limit. It starts small and grows to the limit, so
 * a small file (a checksum, a manifest) costs little; the SDK re-reads it for signing and retries
 * without copying it.
 */
final class PartBuffer {
  private static final int INITIAL = 64 * 1024;

  private final int limit;
  private byte[] data;
  private int size;

  /** A buffer for up to {@code limit} bytes; {@code preallocate}: take the whole limit now. */
  PartBuffer(long limit, boolean preallocate) {
    if (limit < 1 || limit > PartSizer.MAX_PART_SIZE) {
      throw new IllegalArgumentException("part buffer limit out of range: " + limit);
    }
    this.limit = (int) limit;
    this.data = new byte[preallocate ? this.limit : Math.min(this.limit, INITIAL)];
  }

  /** Copies up to {@code len} bytes, as many as fit; returns how many. */
  int write(byte[] b, int off, int len) {
    int n = Math.min(len, limit - size);
    if (size + n > data.length) {
      grow(size + n);
    }
    System.arraycopy(b, off, data, size, n);
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

  /** Empties the buffer for reuse as a part of the same limit. */
  void clear() {
    size = 0;
  }

  /** The content as a request body the SDK can read as often as it needs. */
  RequestBody body(String contentType) {
    byte[] bytes = data;
    int length = size;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, contentType);
  }

  private void grow(int needed) {
    long capacity = Math.max(needed, Math.min((long) limit, 2L * data.length));
    data = java.util.Arrays.copyOf(data, (int) capacity);
  }
}
