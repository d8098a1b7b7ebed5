package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepDaily/keepWeekly/keepMonthly/keepYearly through the real runner: real backups a year and a
 * bit apart (the clock fixed at each), then {@code prune --dry-run} and {@code prune} with the GFS
 * rules in Asia/Tokyo.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GfsRetentionIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  static RunSettings at(String instant) {
    return BackupFixture.testSettings()
        .withClock(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  /** The folders' start times (20261124T020000Z), oldest first. */
  static List<String> starts(BackupFixture f) {
    return f.folders().stream().map(p -> p.getFileName().toString().substring(0, 16)).toList();
  }

  static String folder(BackupFixture f, String start) {
    return f.folders().stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no folder " + start));
  }

  @Test
  void pruneKeepsTheNewestBackupOfEachKeptDayWeekMonthAndYearInTheResourcesTimeZone() {
    List<String> times =
        List.of(
            "2025-11-30T02:00:00Z",
            "2025-12-15T02:00:00Z",
            "2025-12-31T02:00:00Z",
            "2026-01-31T02:00:00Z",
            "2026-03-01T02:00:00Z",
            "2026-03-31T02:00:00Z",
            "2026-06-30T02:00:00Z",
            "2026-09-30T02:00:00Z",
            "2026-10-15T02:00:00Z",
            "2026-10-31T02:00:00Z",
            "2026-10-31T20:00:00Z", // 2026-11-01 05:00 in Tokyo
            "2026-11-16T02:00:00Z",
            "2026-11-22T02:00:00Z",
            "2026-11-23T02:00:00Z",
            "2026-11-24T02:00:00Z");
    BackupFixture fixture =
        new BackupFixture(dir, PG.cluster())
            .name("gfs")
            .retention("{days: 3660, minKeep: 1}")
            .spec("timeZone: Asia/Tokyo");
    for (String t : times) {
      assertThat(fixture.backup(at(t)).exitCode()).as(t).isZero();
    }
    assertThat(fixture.folders()).hasSize(times.size());

    BackupFixture gfs =
        new BackupFixture(dir, PG.cluster())
            .name("gfs")
            .retention(
                "{days: 1, minKeep: 1, keepDaily: 3, keepWeekly: 2, keepMonthly: 6, keepYearly: 2}")
            .spec("timeZone: Asia/Tokyo");
    String now = "2026-11-24T03:00:00Z"; // 12:00 in Tokyo
    BackupFixture.Result dryRun = gfs.run(at(now), "prune", "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(fixture.folders()).hasSize(times.size());
    String out = dryRun.out();
    assertThat(out)
        .contains(
            "would keep "
                + folder(gfs, "20261124T020000Z")
                + " (minKeep 1/1, days (within 1), daily 2026-11-24, weekly 2026-W48, monthly"
                + " 2026-11, yearly 2026)")
        .contains("would keep " + folder(gfs, "20261122T020000Z") + " (daily 2026-11-22, weekly")
        .contains("would keep " + folder(gfs, "20261031T020000Z") + " (monthly 2026-10)")
        .contains("would keep " + folder(gfs, "20251231T020000Z") + " (yearly 2025)")
        .contains("would delete " + folder(gfs, "20261031T200000Z") + " (expired: started")
        .contains("nor the newest good backup of a kept day (last 3), ISO week (last 2)")
        .contains("6 backup(s) would be deleted, 9 kept");

    List<String> audit;
    BackupFixture.Result prune;
    try (LogCapture logs = LogCapture.open()) {
      prune = gfs.run(at(now), "prune");
      audit =
          logs.lines().stream()
              .filter(l -> l.contains("level=AUDIT") && l.contains("event=backup_deleted"))
              .toList();
    }
    assertThat(prune.exitCode()).as(prune.err()).isZero();
    assertThat(prune.out()).contains("6 backup(s) deleted, 9 kept");
    assertThat(starts(gfs))
        .containsExactly(
            "20251231T020000Z", // yearly 2025
            "20260131T020000Z", // monthly 2026-01: the sixth newest month that has a backup
            "20260331T020000Z", // monthly 2026-03 (nothing in April or May)
            "20260630T020000Z", // monthly 2026-06 (nothing in July or August)
            "20260930T020000Z", // monthly 2026-09
            "20261031T020000Z", // monthly 2026-10 (the 20:00 UTC one is November in Tokyo)
            "20261122T020000Z", // daily, weekly 2026-W47
            "20261123T020000Z", // daily
            "20261124T020000Z");
    assertThat(audit).hasSize(6).allMatch(l -> l.contains("not among the newest 1 good"));
    assertThat(
            PG.cluster()
                .psql(
                    "postgres",
                    "SELECT count(*) FROM dbbackup.backup_audit WHERE name = 'gfs' AND action ="
                        + " 'DELETED' AND reason LIKE 'expired:%nor the newest good backup of a"
                        + " kept day (last 3)%'"))
        .isEqualTo("6");

    // Nothing more to do at the same time: a second prune deletes nothing.
    BackupFixture.Result again = gfs.run(at(now), "prune");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("0 backup(s) deleted, 9 kept");
  }
}
