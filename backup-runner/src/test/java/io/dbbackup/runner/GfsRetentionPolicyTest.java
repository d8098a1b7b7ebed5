package io.dbbackup.runner;

import static io.dbbackup.runner.RetentionPolicyTest.catalog;
import static io.dbbackup.runner.RetentionPolicyTest.failedRestore;
import static io.dbbackup.runner.RetentionPolicyTest.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.retention.RetentionPolicy.Decision;
import io.dbbackup.runner.retention.RetentionPolicy.Gfs;
import io.dbbackup.runner.retention.RetentionPolicy.Keep;
import io.dbbackup.runner.retention.RetentionPolicy.Reason;
import io.dbbackup.runner.retention.RetentionPolicy.Rule;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * keepDaily/keepWeekly/keepMonthly/keepYearly: the expected sets are written out by hand (from a
 * calendar), never computed by the policy's own algorithm.
 */
class GfsRetentionPolicyTest {
  static final Duration TIMEOUT = Duration.ofHours(2);
  static final ZoneId UTC = ZoneOffset.UTC;

  static RetentionPolicy policy(int days, int minKeep, Gfs gfs, ZoneId zone) {
    return new RetentionPolicy(days, minKeep, gfs, zone, TIMEOUT);
  }

  static Instant at(String instant) {
    return Instant.parse(instant);
  }

  /** The kept backups' start times (ISO, UTC), oldest first. */
  static List<String> kept(RetentionPolicy.Explanation e) {
    return e.decisions().stream()
        .filter(d -> !d.deleted())
        .map(d -> d.id().startTime().toString())
        .sorted()
        .toList();
  }

  static Map<String, Decision> byStart(RetentionPolicy.Explanation e) {
    return e.decisions().stream()
        .collect(Collectors.toMap(d -> d.id().startTime().toString(), Function.identity()));
  }

  static BackupId none(Instant now) {
    return BackupId.generate(now.plusSeconds(1));
  }

  @Test
  void aYearAndABitOfNightlyBackupsPrunedEveryNightKeepsExactlyTheGfsSet() {
    RetentionPolicy p = policy(1, 1, new Gfs(7, 4, 12, 2), UTC);
    // Nightly at 01:00 UTC from 2025-10-01 to 2026-11-24; retention after each run, as a good
    // run applies it, one hour after the backup started.
    List<Manifest> store = new ArrayList<>();
    Instant night = at("2025-10-01T01:00:00Z");
    Instant last = at("2026-11-24T01:00:00Z");
    int nights = 0;
    while (!night.isAfter(last)) {
      Manifest m = manifest(night);
      store.add(m);
      Catalog c = catalog(store, List.of());
      Set<BackupId> gone = new HashSet<>();
      for (RetentionPolicy.Deletion d : p.plan(c, night.plus(Duration.ofHours(1)), m.backupId())) {
        assertThat(d.id()).isNotEqualTo(m.backupId());
        assertThat(d.reason()).isEqualTo(Reason.EXPIRED);
        gone.add(d.id());
      }
      store.removeIf(x -> gone.contains(x.backupId()));
      night = night.plus(Duration.ofDays(1));
      nights++;
    }
    assertThat(nights).isEqualTo(420);
    List<String> expected =
        List.of(
            "2025-12-31", // yearly 2025, monthly 2025-12
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
            "2026-07-31",
            "2026-08-31",
            "2026-09-30",
            "2026-10-31", // monthly
            "2026-11-08", // weekly 2026-W45 (a Sunday)
            "2026-11-15", // weekly 2026-W46
            "2026-11-18",
            "2026-11-19",
            "2026-11-20",
            "2026-11-21",
            "2026-11-22", // daily, and weekly 2026-W47
            "2026-11-23",
            "2026-11-24"); // today: everything
    List<String> expectedStarts = expected.stream().map(d -> d + "T01:00:00Z").toList();
    assertThat(store)
        .extracting(m -> m.backupId().startTime().toString())
        .containsExactlyInAnyOrderElementsOf(expectedStarts);

    // The same store, explained once more at the end: the reasons.
    Instant now = at("2026-11-24T02:00:00Z");
    Catalog all = catalog(store, List.of());
    RetentionPolicy.Explanation e = p.explain(all, now, none(now));
    assertThat(e.deletions()).isEmpty();
    Map<String, Decision> d = byStart(e);
    assertThat(d.get("2026-11-24T01:00:00Z").keptBy())
        .containsExactly(
            new Keep(Rule.MIN_KEEP, "1/1"),
            new Keep(Rule.DAYS, "(within 1)"),
            new Keep(Rule.DAILY, "2026-11-24"),
            new Keep(Rule.WEEKLY, "2026-W48"),
            new Keep(Rule.MONTHLY, "2026-11"),
            new Keep(Rule.YEARLY, "2026"));
    assertThat(d.get("2026-11-22T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-11-22"), new Keep(Rule.WEEKLY, "2026-W47"));
    assertThat(d.get("2026-11-15T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.WEEKLY, "2026-W46"));
    assertThat(d.get("2025-12-31T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MONTHLY, "2025-12"), new Keep(Rule.YEARLY, "2025"));

    // A week without backups costs none: the rules count periods that have a good backup.
    Instant later = now.plus(Duration.ofDays(7));
    assertThat(p.plan(all, later, none(later))).isEmpty();

    // Seven more nights (11-25 to 12-01), then retention once: the days 11-18 to 11-24 leave the
    // daily seven, 2026-W45 the weekly four (W49, W48 by 11-29, W47, W46), 11-24 is no longer
    // November's newest, and 2025-12 leaves the monthly twelve but stays as 2025's yearly.
    List<Manifest> week = new ArrayList<>(store);
    Manifest dec1 = null;
    for (Instant t = at("2026-11-25T01:00:00Z");
        !t.isAfter(at("2026-12-01T01:00:00Z"));
        t = t.plus(Duration.ofDays(1))) {
      dec1 = manifest(t);
      week.add(dec1);
    }
    List<RetentionPolicy.Deletion> next =
        p.plan(catalog(week, List.of()), at("2026-12-01T02:00:00Z"), dec1.backupId());
    assertThat(next)
        .extracting(x -> x.id().startTime().toString().substring(0, 10))
        .containsExactlyInAnyOrder(
            "2026-11-08",
            "2026-11-18",
            "2026-11-19",
            "2026-11-20",
            "2026-11-21",
            "2026-11-23",
            "2026-11-24");
    assertThat(next.getFirst().detail())
        .contains("before the 1-day retention")
        .contains("not among the newest 1 good")
        .contains("day (last 7), ISO week (last 4), month (last 12), year (last 2)");
  }

  @Test
  void periodsAreDaysOfTheResourcesTimeZone() {
    List<Manifest> backups =
        List.of(
            manifest(at("2026-10-31T10:00:00Z")), // 2026-10-31 19:00 in Tokyo
            manifest(at("2026-10-31T23:30:00Z")), // 2026-11-01 08:30 in Tokyo
            manifest(at("2026-11-22T23:30:00Z")), // 2026-11-23 08:30 in Tokyo
            manifest(at("2026-11-23T14:00:00Z")), // 2026-11-23 23:00 in Tokyo
            manifest(at("2026-11-23T23:30:00Z"))); // 2026-11-24 08:30 in Tokyo
    Catalog c = catalog(backups, List.of());
    Instant now = at("2026-11-25T03:00:00Z"); // 2026-11-25 12:00 in Tokyo
    Gfs gfs = new Gfs(3, 0, 2, 0);

    RetentionPolicy.Explanation tokyo =
        policy(1, 1, gfs, ZoneId.of("Asia/Tokyo")).explain(c, now, none(now));
    assertThat(kept(tokyo))
        .containsExactly(
            "2026-10-31T10:00:00Z",
            "2026-10-31T23:30:00Z",
            "2026-11-23T14:00:00Z",
            "2026-11-23T23:30:00Z");
    Map<String, Decision> d = byStart(tokyo);
    assertThat(d.get("2026-11-23T23:30:00Z").keptBy())
        .contains(new Keep(Rule.DAILY, "2026-11-24"), new Keep(Rule.MONTHLY, "2026-11"));
    assertThat(d.get("2026-11-23T14:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-11-23"));
    assertThat(d.get("2026-10-31T10:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MONTHLY, "2026-10"));
    assertThat(d.get("2026-10-31T23:30:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-11-01"));

    // The same backups in UTC: 10-31T10:00 and 11-23T14:00 are no period's newest there.
    assertThat(kept(policy(1, 1, gfs, UTC).explain(c, now, none(now))))
        .containsExactly("2026-10-31T23:30:00Z", "2026-11-22T23:30:00Z", "2026-11-23T23:30:00Z");
  }

  @Test
  void daysFollowTheClockChangeNotAFixedOffset() {
    // Berlin goes from +01:00 to +02:00 at 2026-03-29T01:00:00Z.
    List<Manifest> backups =
        List.of(
            manifest(at("2026-03-28T22:30:00Z")), // 03-28 23:30 CET
            manifest(at("2026-03-28T23:30:00Z")), // 03-29 00:30 CET
            manifest(at("2026-03-29T21:30:00Z")), // 03-29 23:30 CEST
            manifest(at("2026-03-29T22:30:00Z"))); // 03-30 00:30 CEST
    Catalog c = catalog(backups, List.of());
    Instant now = at("2026-03-31T12:00:00Z");
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(7, 0, 0, 0), ZoneId.of("Europe/Berlin")).explain(c, now, none(now));
    assertThat(kept(e))
        .containsExactly("2026-03-28T22:30:00Z", "2026-03-29T21:30:00Z", "2026-03-29T22:30:00Z");
    assertThat(byStart(e).get("2026-03-29T21:30:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-03-29"));
    assertThat(byStart(e).get("2026-03-28T22:30:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-03-28"));
  }

  @Test
  void isoWeek53BelongsToTheYearItStartedIn() {
    List<Manifest> backups = new ArrayList<>();
    for (String day :
        List.of(
            "2026-12-27", // Sunday, 2026-W52
            "2026-12-28", // Monday, 2026-W53
            "2026-12-31",
            "2027-01-02",
            "2027-01-03", // Sunday, still 2026-W53
            "2027-01-04", // Monday, 2027-W01
            "2027-01-10",
            "2027-01-11")) { // 2027-W02
      backups.add(manifest(at(day + "T12:00:00Z")));
    }
    Catalog c = catalog(backups, List.of());
    Instant now = at("2027-01-12T12:00:00Z");
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(0, 3, 0, 0), UTC).explain(c, now, none(now));
    assertThat(kept(e))
        .containsExactly("2027-01-03T12:00:00Z", "2027-01-10T12:00:00Z", "2027-01-11T12:00:00Z");
    Map<String, Decision> d = byStart(e);
    assertThat(d.get("2027-01-03T12:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.WEEKLY, "2026-W53"));
    assertThat(d.get("2027-01-10T12:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.WEEKLY, "2027-W01"));
    assertThat(d.get("2027-01-11T12:00:00Z").keptBy()).contains(new Keep(Rule.WEEKLY, "2027-W02"));
  }

  @Test
  void aLeapDayIsOneOfTheLastSevenDaysAndFebruarysNewest() {
    List<Manifest> backups = new ArrayList<>();
    for (Instant t = at("2028-02-20T01:00:00Z");
        !t.isAfter(at("2028-03-05T01:00:00Z"));
        t = t.plus(Duration.ofDays(1))) {
      backups.add(manifest(t));
    }
    Catalog c = catalog(backups, List.of());
    Instant now = at("2028-03-05T12:00:00Z");
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(7, 0, 2, 1), UTC).explain(c, now, none(now));
    assertThat(kept(e))
        .containsExactly(
            "2028-02-28T01:00:00Z",
            "2028-02-29T01:00:00Z",
            "2028-03-01T01:00:00Z",
            "2028-03-02T01:00:00Z",
            "2028-03-03T01:00:00Z",
            "2028-03-04T01:00:00Z",
            "2028-03-05T01:00:00Z");
    assertThat(byStart(e).get("2028-02-29T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2028-02-29"), new Keep(Rule.MONTHLY, "2028-02"));
  }

  @Test
  void aBackupThatFailedVerificationIsNeverKeptByAGfsRule() {
    Instant now = at("2026-11-24T02:00:00Z");
    Manifest goodToday = manifest(at("2026-11-24T01:00:00Z"));
    Manifest failedToday = failedRestore(at("2026-11-24T01:30:00Z"));
    Manifest failedYesterday = failedRestore(at("2026-11-23T01:00:00Z"));
    Manifest goodOct30 = manifest(at("2026-10-30T01:00:00Z"));
    Manifest failedOct31 = failedRestore(at("2026-10-31T01:00:00Z"));
    // Verification switched off is not a failure: kept by the rules as any good one.
    Manifest unverifiedNov1 = withVerification(manifest(at("2026-11-01T01:00:00Z")), "none");
    Catalog c =
        catalog(
            List.of(
                goodToday, failedToday, failedYesterday, goodOct30, failedOct31, unverifiedNov1),
            List.of());
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(2, 0, 2, 0), UTC).explain(c, now, none(now));
    Map<String, Decision> d = byStart(e);
    assertThat(d.get("2026-11-24T01:30:00Z").keptBy())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.rule()).isEqualTo(Rule.DAYS);
              assertThat(k.detail()).contains("failed verification");
            });
    assertThat(d.get("2026-11-24T01:00:00Z").keptBy())
        .contains(new Keep(Rule.MIN_KEEP, "1/1"), new Keep(Rule.DAILY, "2026-11-24"));
    assertThat(d.get("2026-10-30T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MONTHLY, "2026-10"));
    assertThat(e.deletions())
        .extracting(x -> x.id().startTime().toString())
        .containsExactlyInAnyOrder("2026-11-23T01:00:00Z", "2026-10-31T01:00:00Z");
    // The second day with a good backup: 11-23's only one failed, so the daily two reach 11-01.
    assertThat(d.get("2026-11-01T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-11-01"));
    assertThat(d.get("2026-11-23T01:00:00Z").deletion().detail())
        .contains("failed verification, so neither minKeep nor a daily/weekly/monthly/yearly");

    // With thirty days of days, the one of 11-01 (verification switched off) is its day's newest.
    RetentionPolicy.Explanation wide =
        policy(1, 1, new Gfs(30, 0, 0, 0), UTC).explain(c, now, none(now));
    assertThat(byStart(wide).get("2026-11-01T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.DAILY, "2026-11-01"));
    assertThat(byStart(wide).get("2026-11-23T01:00:00Z").deleted()).isTrue();
  }

  static Manifest withVerification(Manifest m, String mode) {
    return m.toBuilder()
        .verification(new Manifest.Verification(false, mode, null, "verification is switched off"))
        .auditChainHead(null)
        .content(null)
        .incremental(null)
        .build();
  }

  @Test
  void afterAnOutageEachRuleStillKeepsItsCountAndMinKeepAddsToThem() {
    // Backups stopped in June; in late November no day, week or month since holds one. The rules
    // count the periods that have a good backup, so the outage costs none of them.
    List<Manifest> backups = new ArrayList<>();
    for (int month = 1; month <= 6; month++) {
      backups.add(manifest(at("2026-0" + month + "-15T01:00:00Z")));
    }
    Catalog c = catalog(backups, List.of());
    Instant now = at("2026-11-24T02:00:00Z");
    RetentionPolicy.Explanation monthly =
        policy(30, 1, new Gfs(0, 0, 3, 0), UTC).explain(c, now, none(now));
    assertThat(kept(monthly))
        .containsExactly("2026-04-15T01:00:00Z", "2026-05-15T01:00:00Z", "2026-06-15T01:00:00Z");
    assertThat(byStart(monthly).get("2026-06-15T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MIN_KEEP, "1/1"), new Keep(Rule.MONTHLY, "2026-06"));
    assertThat(byStart(monthly).get("2026-04-15T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MONTHLY, "2026-04"));

    // minKeep 2 and a yearly rule: June by both, May by minKeep alone.
    RetentionPolicy.Explanation two =
        policy(30, 2, new Gfs(0, 0, 0, 1), UTC).explain(c, now, none(now));
    assertThat(kept(two)).containsExactly("2026-05-15T01:00:00Z", "2026-06-15T01:00:00Z");
    assertThat(byStart(two).get("2026-05-15T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MIN_KEEP, "2/2"));
  }

  @Test
  void nothingIsDeletedWhileAFolderIsUnreadableAndTheDryRunSaysWhy() {
    List<Manifest> backups = new ArrayList<>();
    for (int month = 1; month <= 6; month++) {
      backups.add(manifest(at("2026-0" + month + "-15T01:00:00Z")));
    }
    backups.sort(java.util.Comparator.comparing(Manifest::startTime).reversed());
    BackupId unreadable = BackupId.generate(at("2026-07-01T01:00:00Z"));
    Catalog c =
        new Catalog(
            backups,
            List.of(BackupId.generate(at("2026-01-01T00:00:00Z"))),
            List.of(new Catalog.Unreadable(unreadable, "500 Internal Server Error", false)));
    Instant now = at("2026-11-24T02:00:00Z");
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(0, 0, 2, 0), UTC).explain(c, now, none(now));
    assertThat(e.deletions()).isEmpty();
    assertThat(e.decisions()).hasSize(7);
    assertThat(byStart(e).get("2026-03-15T01:00:00Z").keptBy())
        .extracting(Keep::rule)
        .containsExactly(Rule.STORE_INCOMPLETE);
  }

  @Test
  void theBackupOfThisRunIsKeptAsCurrentEvenIfItFailedVerification() {
    Instant now = at("2026-11-24T02:00:00Z");
    Manifest old = manifest(at("2026-01-01T01:00:00Z"));
    Manifest current = failedRestore(at("2026-11-20T01:00:00Z"));
    Catalog c = catalog(List.of(old, current), List.of());
    RetentionPolicy.Explanation e =
        policy(1, 1, new Gfs(7, 0, 0, 0), UTC).explain(c, now, current.backupId());
    assertThat(byStart(e).get("2026-11-20T01:00:00Z").keptBy())
        .extracting(Keep::rule)
        .containsExactly(Rule.CURRENT);
    assertThat(byStart(e).get("2026-01-01T01:00:00Z").keptBy())
        .containsExactly(new Keep(Rule.MIN_KEEP, "1/1"), new Keep(Rule.DAILY, "2026-01-01"));
  }
}
