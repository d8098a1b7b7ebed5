package io.dbbackup.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a volume after N failed runs in a row: the failures delete nothing, and the next
 * good run keeps minKeep good backups, counting no failed run (S3: S3FaultMatrixIT).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RetentionAfterFailuresIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final Instant DAY0 = Instant.parse("2026-09-01T02:00:00Z");

  @TempDir Path dir;

  static RunSettings at(int day) {
    return BackupFixture.testSettings()
        .withClock(Clock.fixed(DAY0.plus(Duration.ofDays(day)), ZoneOffset.UTC));
  }

  @Test
  void threeFailedRunsInARowDeleteNoBackupThatMinKeepProtects() {
    PostgresCluster pg = PG.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).name("failing3").retention(1, 2);
    for (int d = 0; d < 3; d++) {
      assertThat(fixture.backup(at(d)).exitCode()).as("day %d", d).isZero();
    }
    // days: 1 expires day 0 by day 2; minKeep 2 keeps days 1 and 2.
    List<Path> good = fixture.folders();
    assertThat(good).hasSize(2);
    SampleData.loadBulk(pg, "postgres", 50_000);
    RunListener killer =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
          }
        };
    try {
      // A month later both are expired by days; three runs fail mid-dump and must not prune.
      for (int i = 0; i < 3; i++) {
        assertThat(fixture.backup(at(30).withListener(killer)).exitCode())
            .as("failed run %d", i + 1)
            .isEqualTo(ExitCode.DUMP_FAILED.code());
        assertThat(fixture.folders()).containsExactlyElementsOf(good);
        assertThat(fixture.allFiles()).noneMatch(p -> p.toString().endsWith(".partial"));
      }
      assertThat(history())
          .isEqualTo("SUCCEEDED:-,SUCCEEDED:-,SUCCEEDED:-,FAILED:5,FAILED:5,FAILED:5");
      // The next good run keeps itself and the newest earlier good backup.
      assertThat(fixture.backup(at(30)).exitCode()).isZero();
      List<Path> after = fixture.folders();
      assertThat(after).hasSize(2).contains(good.get(1)).doesNotContain(good.get(0));
      assertThat(after).allMatch(f -> Files.isRegularFile(f.resolve("manifest.json")));
      // (the failed runs and this one share a start time: count, not order)
      assertThat(history().split(","))
          .containsExactlyInAnyOrder(
              "SUCCEEDED:-",
              "SUCCEEDED:-",
              "SUCCEEDED:-",
              "FAILED:5",
              "FAILED:5",
              "FAILED:5",
              "SUCCEEDED:-");
    } finally {
      pg.execute("postgres", "DROP TABLE bulk");
    }
  }

  static String history() {
    return PG.cluster()
        .psql(
            "postgres",
            "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                + " ORDER BY started_at) FROM dbbackup.backup_history WHERE name = 'failing3'");
  }
}
