package io.dbbackup.runner.store.s3;

/**
 * The part size of a multipart upload whose length is not known in advance. Every part but the last
 * has the same size, as some S3-compatible stores require (Cloudflare R2 refuses to complete an
 * upload otherwise), so the size is fixed before the upload starts: {@code partSize}
 * (spec.storage.s3.partSizeMiB), raised by {@link #forAtMost} when the most a backup can plausibly
 * store would not fit in {@code maxParts} parts of it. A stream that still outgrows {@code
 * maxParts} parts fails (the upload is aborted). Parts never exceed what one Java array holds (2047
 * MiB), below S3's 5 GiB.
 */
public record PartSizer(long partSize, int maxParts) {
  /** S3's smallest part (all but the last). */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** The largest part held in one array: 2047 MiB (S3 allows 5 GiB). */
  public static final long MAX_PART_SIZE = 2047L * 1024 * 1024;

  /** S3's most parts per upload. */
  public static final int S3_MAX_PARTS = 10_000;

  private static final long MIB = 1024L * 1024;

  public PartSizer {
    if (partSize < 1 || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("part size out of range: " + partSize);
    }
    if (maxParts < 1 || maxParts > S3_MAX_PARTS) {
      throw new IllegalArgumentException("maxParts out of range: " + maxParts);
    }
  }

  /** The size of part {@code partNumber} (1-based) if it is not the last: always the same. */
  public long sizeOf(int partNumber) {
    if (partNumber < 1) {
      throw new IllegalArgumentException("part numbers start at 1: " + partNumber);
    }
    return partSize;
  }

  /** The most bytes one upload can hold: {@code maxParts} parts of {@code partSize}. */
  public long capacity() {
    return partSize * maxParts;
  }

  /**
   * Parts large enough for an upload of up to {@code bytes}: these, if they hold it, else the
   * smallest whole MiB that does in {@code maxParts} parts, at most {@link #MAX_PART_SIZE} (an
   * upload larger than that capacity fails when it gets there).
   */
  public PartSizer forAtMost(long bytes) {
    if (bytes <= capacity()) {
      return this;
    }
    long perPart = Math.ceilDiv(bytes, (long) maxParts);
    long size = Math.ceilDiv(perPart, MIB) * MIB;
    return new PartSizer(Math.min(size, MAX_PART_SIZE), maxParts);
  }
}
