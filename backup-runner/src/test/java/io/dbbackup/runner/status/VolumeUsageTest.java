package io.dbbackup.runner.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeUsageTest {
  @TempDir Path dir;

  @Test
  void usedOverUsedPlusAvailableRoundedUpAsDfDoes() {
    // 100 total, 20 unallocated of which 10 usable (10 reserved): used 80 of 90 -> 88.9 -> 89.
    assertThat(VolumeUsage.percent(100, 20, 10)).contains(89);
    assertThat(VolumeUsage.percent(100, 100, 100)).contains(0);
    assertThat(VolumeUsage.percent(100, 0, 0)).contains(100);
    assertThat(VolumeUsage.percent(0, 0, 0)).isEmpty();
  }

  @Test
  void aPathNotYetCreatedIsMeasuredOnItsNearestParent() {
    assertThat(VolumeUsage.percent(dir.resolve("not/yet/there"))).isPresent();
    assertThat(VolumeUsage.percent(dir.resolve("not/yet/there")))
        .isEqualTo(VolumeUsage.percent(dir));
  }
}
