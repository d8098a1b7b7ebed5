package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartSizerTest {
  static final long MIB = 1024L * 1024;
  static final long TIB = 1024L * 1024 * MIB;

  @Test
  void defaultPartsHoldMoreThanTheLargestS3Object() {
    PartSizer sizer = new PartSizer(16 * MIB, 10_000);
    assertThat(sizer.capacity()).isGreaterThan(5 * TIB);
    assertThat(sizer.sizeOf(10_000)).isLessThanOrEqualTo(PartSizer.MAX_PART_SIZE);
  }

  @Test
  void partsStartSmallAndDoubleEveryTenthOfTheParts() {
    PartSizer sizer = new PartSizer(16 * MIB, 10_000);
    assertThat(sizer.sizeOf(1)).isEqualTo(16 * MIB);
    assertThat(sizer.sizeOf(1000)).isEqualTo(16 * MIB);
    assertThat(sizer.sizeOf(1001)).isEqualTo(32 * MIB);
    assertThat(sizer.sizeOf(2001)).isEqualTo(64 * MIB);
    assertThat(sizer.sizeOf(7001)).isEqualTo(2048 * MIB - MIB);
    // the first 16 GB of a dump go up in 16 MiB parts
    long first1000 = 0;
    for (int n = 1; n <= 1000; n++) {
      first1000 += sizer.sizeOf(n);
    }
    assertThat(first1000).isEqualTo(16_000 * MIB);
  }

  @Test
  void theLargestPartOfAnUploadIsItsLastStepsSize() {
    PartSizer sizer = new PartSizer(16 * MIB, 10_000);
    assertThat(sizer.largestPartFor(0)).isEqualTo(16 * MIB);
    assertThat(sizer.largestPartFor(16_000 * MIB)).isEqualTo(16 * MIB); // the first 1,000 parts
    assertThat(sizer.largestPartFor(16_000 * MIB + 1)).isEqualTo(32 * MIB);
    assertThat(sizer.largestPartFor(48_000 * MIB)).isEqualTo(32 * MIB);
    assertThat(sizer.largestPartFor(48_000 * MIB + 1)).isEqualTo(64 * MIB);
    assertThat(sizer.largestPartFor(TIB)).isEqualTo(1024 * MIB);
    // Beyond what the upload holds: its last part's size.
    assertThat(sizer.largestPartFor(Long.MAX_VALUE)).isEqualTo(PartSizer.MAX_PART_SIZE);
  }

  @Test
  void sizesNeverShrinkNorPassTheArrayLimit() {
    for (int maxParts : new int[] {10, 37, 1000, 10_000}) {
      PartSizer sizer = new PartSizer(5 * MIB, maxParts);
      long previous = 0;
      for (int n = 1; n <= maxParts; n++) {
        long size = sizer.sizeOf(n);
        assertThat(size)
            .isGreaterThanOrEqualTo(previous)
            .isLessThanOrEqualTo(PartSizer.MAX_PART_SIZE);
        previous = size;
      }
    }
  }

  @Test
  void aStoreAllowingFewerPartsStillHoldsLargeDumps() {
    // 1,000 parts from 16 MiB: about 800 GB
    assertThat(new PartSizer(16 * MIB, 1000).capacity()).isGreaterThan(750 * 1024 * MIB);
    // the minimum, 10 parts, doubles every part
    PartSizer ten = new PartSizer(5 * MIB, 10);
    assertThat(ten.sizeOf(2)).isEqualTo(10 * MIB);
    assertThat(ten.sizeOf(10)).isEqualTo(PartSizer.MAX_PART_SIZE);
    assertThat(ten.capacity()).isEqualTo(5 * MIB * 511 + PartSizer.MAX_PART_SIZE);
  }

  @Test
  void refusesSizesOutOfRange() {
    assertThatThrownBy(() -> new PartSizer(0, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PartSizer(3L * 1024 * MIB, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PartSizer(5 * MIB, 10_001))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
