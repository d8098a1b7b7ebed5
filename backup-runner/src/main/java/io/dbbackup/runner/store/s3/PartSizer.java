package io.dbbackup.runner.store.s3;

/**
 * Part sizes of a multipart upload whose length is not known in advance. Parts start at {@code
 * firstPartSize} and double every tenth of {@code maxParts}, so small dumps use small parts (little
 * memory) while the last parts of a dump of several TiB are large enough to stay within {@code
 * maxParts}. With 16 MiB and 10,000 parts the upload holds about 8 TiB, past S3's 5 TiB object
 * limit; parts never exceed what one Java array holds (2047 MiB), below S3's 5 GiB.
 */
public record PartSizer(long firstPartSize, int maxParts) {
  /** S3's smallest part (all but the last). */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** The largest part held in one array: 2047 MiB (S3 allows 5 GiB). */
  public static final long MAX_PART_SIZE = 2047L * 1024 * 1024;

  /** S3's most parts per upload. */
  public static final int S3_MAX_PARTS = 10_000;

  public PartSizer {
    if (firstPartSize < 1 || firstPartSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("part size out of range: " + firstPartSize);
    }
    if (maxParts < 1 || maxParts > S3_MAX_PARTS) {
      throw new IllegalArgumentException("maxParts out of range: " + maxParts);
    }
  }

  /** Parts in each run of equal size: a tenth of maxParts. */
  int partsPerStep() {
    return Math.max(1, maxParts / 10);
  }

  /** The size of part {@code partNumber} (1-based). */
  public long sizeOf(int partNumber) {
    if (partNumber < 1) {
      throw new IllegalArgumentException("part numbers start at 1: " + partNumber);
    }
    int doublings = Math.min(40, (partNumber - 1) / partsPerStep());
    long size = firstPartSize;
    for (int i = 0; i < doublings && size < MAX_PART_SIZE; i++) {
      size *= 2;
    }
    return Math.min(size, MAX_PART_SIZE);
  }

  /** The size of the largest part an upload of {@code bytes} uses: its last part's step. */
  public long largestPartFor(long bytes) {
    long total = 0;
    for (int n = 1; n <= maxParts; n++) {
      total += sizeOf(n);
      if (total >= bytes) {
        return sizeOf(n);
      }
    }
    return sizeOf(maxParts);
  }

  /** The most bytes one upload can hold: every part at its size. */
  public long capacity() {
    long total = 0;
    for (int n = 1; n <= maxParts; n++) {
      total += sizeOf(n);
    }
    return total;
  }
}
