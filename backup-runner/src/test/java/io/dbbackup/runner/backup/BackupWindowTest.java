package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.WindowSpec;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackupWindowTest {
  @ParameterizedTest(name = "{0}-{1} at {2} in {3}: {4}")
  @CsvSource({
    "02:00, 05:00, 2026-11-24T02:00:00Z, UTC, true",
    "02:00, 05:00, 2026-11-24T04:59:59Z, UTC, true",
    "02:00, 05:00, 2026-11-24T05:00:00Z, UTC, false",
    "02:00, 05:00, 2026-11-24T01:59:59Z, UTC, false",
    "02:00, 05:00, 2026-11-23T17:30:00Z, Asia/Tokyo, true",
    "02:00, 05:00, 2026-11-24T02:30:00Z, Asia/Tokyo, false",
    "22:00, 03:00, 2026-11-24T23:00:00Z, UTC, true",
    "22:00, 03:00, 2026-11-24T02:59:00Z, UTC, true",
    "22:00, 03:00, 2026-11-24T12:00:00Z, UTC, false",
  })
  void containsStartsInsideTheDailyWindowInItsZone(
      String start, String end, String at, String zone, boolean inside) {
    BackupWindow w = BackupWindow.of(new WindowSpec(start, end), ZoneId.of(zone));
    assertThat(w.contains(Instant.parse(at))).isEqualTo(inside);
  }
}
