package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Retention on real backups: expiry, minKeep, and never after a failed run. */
class RetentionIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final Instant DAY0 = Instant.parse("2026-09-01T02:00:00Z");

  @TempDir Path dir;

  static RunSettings at(Instant instant) {
    return BackupFixture.testSettings().withClock(Clock.fixed(instant, ZoneOffset.UTC));
  }

  static Instant day(int n) {
    return DAY0.plus(Duration.ofDays(n));
  }

  @Test
  void dailyBackupsOver40DaysKeepTheLast30Days() {
    BackupFixture fixture = new BackupFixture(dir, PG.cluster()).name("daily").retention(30, 1);
    List<String> deletedByAudit;
    try (LogCapture logs = LogCapture.open()) {
      for (int d = 0; d < 40; d++) {
        assertThat(fixture.backup(at(day(d))).exitCode()).as("day %d", d).isZero();
      }
      deletedByAudit =
          logs.lines().stream()
              .filter(l -> l.contains("level=AUDIT") && l.contains("event=backup_deleted"))
              .toList();
    }
    // Day 39 is "now": everything that started more than 30 days before it is gone.
    List<String> expected = new ArrayList<>();
    for (int d = 9; d < 40; d++) {
      expected.add(day(d).toString().substring(0, 10).replace("-", ""));
    }
    assertThat(fixture.folders())
        .extracting(p -> p.getFileName().toString().substring(0, 8))
        .containsExactlyElementsOf(expected);
    assertThat(deletedByAudit).hasSize(9);
    assertThat(
            PG.cluster()
                .psql(
                    "postgres",
                    "SELECT count(*) FROM dbbackup.backup_audit WHERE name = 'daily' AND action ="
                        + " 'DELETED' AND reason LIKE 'expired:%'"))
        .isEqualTo("9");
  }

  @Test
  void aFailedRunDeletesNothingEvenWhenEverythingHasExpired() {
    PostgresCluster pg = PG.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).name("failing").retention(30, 1);
    for (int d = 0; d < 3; d++) {
      assertThat(fixture.backup(at(day(d))).exitCode()).isZero();
    }
    List<Path> before = fixture.folders();
    SampleData.loadBulk(pg, "postgres", 50_000);
    RunListener killer =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
          }
        };
    try {
      // A year later all three are expired; the run fails mid-dump and must not prune.
      BackupFixture.Result failed = fixture.backup(at(day(365)).withListener(killer));
      assertThat(failed.exitCode()).isEqualTo(ExitCode.DUMP_FAILED.code());
      assertThat(fixture.folders()).containsExactlyElementsOf(before);
    } finally {
      pg.execute("postgres", "DROP TABLE bulk");
    }
  }

  @Test
  void theNewestGoodBackupsSurviveWhenEverythingHasExpired() {
    BackupFixture fixture = new BackupFixture(dir, PG.cluster()).name("expired").retention(30, 2);
    for (int d : new int[] {0, 10, 20}) {
      assertThat(fixture.backup(at(day(d))).exitCode()).isZero();
    }
    List<Path> all = fixture.folders();

    BackupFixture.Result dryRun = fixture.run(at(day(200)), "prune", "--dry-run");
    assertThat(dryRun.exitCode()).isZero();
    assertThat(dryRun.out()).contains("would delete " + all.get(0).getFileName());
    assertThat(fixture.folders()).hasSize(3);

    BackupFixture.Result prune = fixture.run(at(day(200)), "prune");
    assertThat(prune.exitCode()).isZero();
    assertThat(prune.out()).contains("1 backup(s) deleted");
    assertThat(fixture.folders()).containsExactly(all.get(1), all.get(2));

    BackupFixture one = new BackupFixture(dir, PG.cluster()).name("expired").retention(30, 1);
    assertThat(one.run(at(day(400)), "prune").exitCode()).isZero();
    assertThat(one.folders()).containsExactly(all.get(2));
  }

  @Test
  void abandonedFoldersWithoutManifestAreRemovedByTheNextGoodRunOnlyOnceOlderThanTheTimeout()
      throws Exception {
    BackupFixture fixture =
        new BackupFixture(dir, PG.cluster()).name("abandoned").spec("timeoutMinutes: 60");
    assertThat(fixture.backup(at(day(0))).exitCode()).isZero();
    // Leftovers of runs that died: one two hours old, one ten minutes old (maybe still running).
    Path old = fixture.backupsRoot().resolve("20260902T000000Z-dead");
    Path recent = fixture.backupsRoot().resolve("20260902T015000Z-beef");
    for (Path p : List.of(old, recent)) {
      java.nio.file.Files.createDirectories(p);
      java.nio.file.Files.writeString(p.resolve("dump.sql.gz.partial"), "half a dump");
    }
    assertThat(fixture.backup(at(day(1))).exitCode()).isZero();
    assertThat(fixture.folders()).doesNotContain(old).contains(recent);
    assertThat(
            PG.cluster()
                .psql(
                    "postgres",
                    "SELECT reason FROM dbbackup.backup_audit WHERE backup_id ="
                        + " '20260902T000000Z-dead'"))
        .startsWith("abandoned:");
  }
}
