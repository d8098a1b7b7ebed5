package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartSizerTest {
  static final long MIB = 1024L * 1024;
  static final long GIB = 1024 * MIB;
  static final long TIB = 1024 * GIB;

  @Test
  void everyPartButTheLastHasTheSameSize() {
    for (int maxParts : new int[] {10, 37, 1000, 10_000}) {
      PartSizer sizer = new PartSizer(5 * MIB, maxParts);
      for (int n = 1; n <= maxParts; n++) {
        assertThat(sizer.sizeOf(n)).isEqualTo(5 * MIB);
      }
      assertThat(sizer.capacity()).isEqualTo(5 * MIB * maxParts);
    }
  }

  @Test
  void thePartSizeHoldsWhatTheBackupCanPlausiblyStore() {
    PartSizer sizer = new PartSizer(16 * MIB, 10_000);
    // Up to 10,000 x 16 MiB (156 GiB) the configured size stays.
    assertThat(sizer.forAtMost(0)).isEqualTo(sizer);
    assertThat(sizer.forAtMost(16 * MIB * 10_000)).isEqualTo(sizer);
    // Past it: the smallest whole MiB that holds it in 10,000 parts.
    assertThat(sizer.forAtMost(16 * MIB * 10_000 + 1)).isEqualTo(new PartSizer(17 * MIB, 10_000));
    PartSizer tib = sizer.forAtMost(TIB);
    assertThat(tib.partSize()).isEqualTo(105 * MIB);
    assertThat(tib.capacity()).isGreaterThanOrEqualTo(TIB);
    assertThat(tib.partSize() - MIB).isLessThan(Math.ceilDiv(TIB, 10_000L));
    // A store allowing 100 parts: 1 GiB + 4 x 100 MB needs 15 MiB parts.
    assertThat(new PartSizer(5 * MIB, 100).forAtMost(GIB + 400_000_000).partSize())
        .isEqualTo(15 * MIB);
  }

  @Test
  void partsNeverPassTheArrayLimitSoAHugeBoundCapsTheCapacity() {
    PartSizer sizer = new PartSizer(16 * MIB, 10_000).forAtMost(Long.MAX_VALUE);
    assertThat(sizer.partSize()).isEqualTo(PartSizer.MAX_PART_SIZE);
    assertThat(sizer.capacity()).isGreaterThan(5 * TIB); // still beyond S3's largest object
    assertThat(new PartSizer(5 * MIB, 10).forAtMost(100 * TIB).capacity())
        .isEqualTo(10 * PartSizer.MAX_PART_SIZE);
  }

  @Test
  void aLargerConfiguredSizeIsKept() {
    PartSizer big = new PartSizer(128 * MIB, 10_000); // 1.25 TiB
    assertThat(big.forAtMost(TIB)).isEqualTo(big);
  }

  @Test
  void refusesSizesOutOfRange() {
    assertThatThrownBy(() -> new PartSizer(0, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PartSizer(3L * 1024 * MIB, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PartSizer(5 * MIB, 10_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PartSizer(5 * MIB, 100).sizeOf(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
