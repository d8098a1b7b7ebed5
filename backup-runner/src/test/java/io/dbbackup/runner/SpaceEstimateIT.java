package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.backup.SpaceCheck;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** On a small real cluster, the first backup's estimate is near what the backup really takes. */
class SpaceEstimateIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir java.nio.file.Path dir;

  @Test
  void theFirstEstimateOfASmallClusterIsNearTheRealSize() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    SampleData.load(pg);
    BackupFixture fixture = new BackupFixture(dir, pg);
    String line;
    try (LogCapture logs = LogCapture.open()) {
      assertThat(fixture.backup().exitCode()).isZero();
      line = logs.events("space_check").getFirst();
    }
    Matcher m = Pattern.compile("estimate_bytes=(\\d+)").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    long estimate = Long.parseLong(m.group(1));
    long stored = Files.size(fixture.folders().getFirst().resolve("dump.sql.gz"));

    // Not the catalogs of postgres and template1 (about 7 MB each) x 0.3: at most the globals'
    // floor plus a few times the real size, and never below it.
    assertThat(estimate).isGreaterThanOrEqualTo(stored);
    assertThat(estimate).isLessThanOrEqualTo(SpaceCheck.GLOBALS_BYTES + 4 * stored + (1L << 20));
    assertThat(line).contains("of the user databases (analytics, shop");
  }
}
