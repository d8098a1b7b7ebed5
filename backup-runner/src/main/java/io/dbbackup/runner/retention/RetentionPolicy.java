package io.dbbackup.runner.retention;

import io.dbbackup.api.v1alpha1.RetentionSpec;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.WeekFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups to delete after a good run, and which rule keeps each of the others. A backup is
 * deleted only when no rule keeps it:
 *
 * <ul>
 *   <li>{@code minKeep}: the newest {@code minKeep} good backups, however old;
 *   <li>{@code days}: every backup started within the last {@code days} days (one that failed
 *       verification too: it is kept for inspection until it expires);
 *   <li>{@code daily}, {@code weekly}, {@code monthly}, {@code yearly} (grandfather-father-son,
 *       each off at 0): the newest good backup of each of the newest N calendar days, ISO weeks
 *       (Monday to Sunday), months or years, in the resource's time zone, that have a good backup
 *       (as restic counts {@code --keep-daily}): after an outage the rules still keep N each;
 *   <li>{@code current}: the backup this run made is never a candidate.
 * </ul>
 *
 * A backup that failed verification (by restore, or any verification that ran and did not pass) is
 * not a good one: it never counts toward minKeep and no daily/weekly/monthly/yearly rule keeps it.
 * Folders without a manifest (abandoned runs) go once older than the run timeout.
 *
 * <p>Only on a complete picture of the store: while any folder's manifest could not be read or
 * trusted ({@link Catalog#unreadable()}), nothing is deleted at all, and a folder counts as
 * abandoned only once the store has shown its manifest absent.
 */
public record RetentionPolicy(
    int days, int minKeep, Gfs gfs, ZoneId zone, Duration abandonedAfter) {

  /** Why a backup is deleted. */
  public enum Reason {
    EXPIRED,
    ABANDONED
  }

  /** One deletion and its reason, for the audit trail. */
  public record Deletion(BackupId id, Reason reason, String detail) {}

  /** The grandfather-father-son counts: how many days, ISO weeks, months, years; 0: off. */
  public record Gfs(int daily, int weekly, int monthly, int yearly) {
    public static final Gfs NONE = new Gfs(0, 0, 0, 0);

    public Gfs {
      if (daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
        throw new IllegalArgumentException("keepDaily/Weekly/Monthly/Yearly must be 0 or more");
      }
    }

    /** The counts spec.retention sets (absent: 0). */
    public static Gfs of(RetentionSpec r) {
      return new Gfs(
          orZero(r.getKeepDaily()),
          orZero(r.getKeepWeekly()),
          orZero(r.getKeepMonthly()),
          orZero(r.getKeepYearly()));
    }

    private static int orZero(Integer n) {
      return n == null ? 0 : n;
    }

    public boolean any() {
      return daily + weekly + monthly + yearly > 0;
    }
  }

  /** A rule that keeps a backup. */
  public enum Rule {
    CURRENT("current"),
    MIN_KEEP("minKeep"),
    DAYS("days"),
    DAILY("daily"),
    WEEKLY("weekly"),
    MONTHLY("monthly"),
    YEARLY("yearly"),
    /** A folder without a manifest, younger than the run timeout: it may still be running. */
    RUNNING("running"),
    /** Would go, but some folder could not be read or trusted, so nothing is deleted. */
    STORE_INCOMPLETE("store-incomplete");

    private final String label;

    Rule(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One rule keeping a backup; {@code detail} is the period for the GFS rules (2026-W05). */
  public record Keep(Rule rule, String detail) {
    @Override
    public String toString() {
      return rule.label() + " " + detail;
    }
  }

  /** The verdict on one folder: the rules keeping it, or (none keeping it) its deletion. */
  public record Decision(BackupId id, List<Keep> keptBy, Deletion deletion) {
    public Decision {
      keptBy = List.copyOf(keptBy);
    }

    public boolean deleted() {
      return deletion != null;
    }

    public boolean keptBy(Rule rule) {
      return keptBy.stream().anyMatch(k -> k.rule() == rule);
    }
  }

  /** Every folder's verdict: the good backups newest first, then the folders without manifest. */
  public record Explanation(List<Decision> decisions) {
    public Explanation {
      decisions = List.copyOf(decisions);
    }

    public List<Deletion> deletions() {
      return decisions.stream().filter(Decision::deleted).map(Decision::deletion).toList();
    }
  }

  public RetentionPolicy {
    if (days < 1 || minKeep < 1) {
      throw new IllegalArgumentException("days and minKeep must be at least 1");
    }
    if (gfs == null || zone == null || abandonedAfter == null) {
      throw new IllegalArgumentException("gfs, zone and abandonedAfter are required");
    }
  }

  /** {@code days} and {@code minKeep} only, in UTC. */
  public RetentionPolicy(int days, int minKeep, Duration abandonedAfter) {
    this(days, minKeep, Gfs.NONE, ZoneOffset.UTC, abandonedAfter);
  }

  /** The policy spec.retention describes, its periods in {@code zone} (spec.timeZone). */
  public static RetentionPolicy of(RetentionSpec r, ZoneId zone, Duration abandonedAfter) {
    return new RetentionPolicy(r.getDays(), r.getMinKeep(), Gfs.of(r), zone, abandonedAfter);
  }

  /** The deletions for {@code catalog} at {@code now}, never touching {@code current}. */
  public List<Deletion> plan(Catalog catalog, Instant now, BackupId current) {
    return explain(catalog, now, current).deletions();
  }

  /** Why each folder in {@code catalog} is kept or deleted at {@code now}. */
  public Explanation explain(Catalog catalog, Instant now, BackupId current) {
    List<Manifest> newestFirst = catalog.backups();
    Map<BackupId, List<Keep>> keeps = new LinkedHashMap<>();
    for (Manifest m : newestFirst) {
      List<Keep> k = new ArrayList<>();
      if (m.backupId().equals(current)) {
        k.add(new Keep(Rule.CURRENT, "(this run's backup)"));
      }
      keeps.put(m.backupId(), k);
    }
    int kept = 0;
    for (Manifest m : newestFirst) {
      if (good(m) && kept < minKeep) {
        kept++;
        keeps.get(m.backupId()).add(new Keep(Rule.MIN_KEEP, kept + "/" + minKeep));
      }
    }
    // The id's time, not the manifest's: the folder's name is what a writer cannot move.
    Instant expiry = now.minus(Duration.ofDays(days));
    for (Manifest m : newestFirst) {
      if (!m.backupId().startTime().isBefore(expiry)) {
        keeps
            .get(m.backupId())
            .add(
                new Keep(
                    Rule.DAYS,
                    good(m)
                        ? "(within " + days + ")"
                        : "(within " + days + "; failed verification, kept for inspection)"));
      }
    }
    period(keeps, newestFirst, Rule.DAILY, gfs.daily(), LocalDate::toString);
    period(keeps, newestFirst, Rule.WEEKLY, gfs.weekly(), RetentionPolicy::week);
    period(keeps, newestFirst, Rule.MONTHLY, gfs.monthly(), d -> YearMonth.from(d).toString());
    period(keeps, newestFirst, Rule.YEARLY, gfs.yearly(), d -> String.valueOf(d.getYear()));

    List<Decision> decisions = new ArrayList<>();
    Keep incomplete =
        new Keep(Rule.STORE_INCOMPLETE, "(a backup folder could not be read or trusted)");
    for (Manifest m : newestFirst) {
      BackupId id = m.backupId();
      List<Keep> k = keeps.get(id);
      if (!k.isEmpty()) {
        decisions.add(new Decision(id, k, null));
      } else if (!catalog.complete()) {
        decisions.add(new Decision(id, List.of(incomplete), null));
      } else {
        decisions.add(new Decision(id, List.of(), expired(m)));
      }
    }
    Instant abandonedBefore = now.minus(abandonedAfter);
    for (BackupId id : catalog.incomplete()) {
      if (id.equals(current)) {
        decisions.add(new Decision(id, List.of(new Keep(Rule.CURRENT, "(this run)")), null));
      } else if (!id.startTime().isBefore(abandonedBefore)) {
        decisions.add(
            new Decision(
                id,
                List.of(new Keep(Rule.RUNNING, "(no manifest, younger than the run timeout)")),
                null));
      } else if (!catalog.complete()) {
        decisions.add(new Decision(id, List.of(incomplete), null));
      } else {
        decisions.add(
            new Decision(
                id,
                List.of(),
                new Deletion(
                    id,
                    Reason.ABANDONED,
                    "no manifest, started "
                        + id.startTime()
                        + ", longer ago than the run timeout")));
      }
    }
    return new Explanation(decisions);
  }

  private Deletion expired(Manifest m) {
    StringBuilder why =
        new StringBuilder("started ")
            .append(m.backupId().startTime())
            .append(", before the ")
            .append(days)
            .append("-day retention");
    if (!good(m)) {
      why.append("; failed verification, so neither minKeep nor a daily/weekly/monthly/yearly")
          .append(" rule keeps it");
    } else {
      why.append("; not among the newest ").append(minKeep).append(" good");
      if (gfs.any()) {
        why.append(", nor the newest good backup of a kept ").append(kept());
      }
    }
    return new Deletion(m.backupId(), Reason.EXPIRED, why.toString());
  }

  /** "day (7), ISO week (4)" for the GFS rules that are on. */
  private String kept() {
    List<String> parts = new ArrayList<>();
    if (gfs.daily() > 0) {
      parts.add("day (last " + gfs.daily() + ")");
    }
    if (gfs.weekly() > 0) {
      parts.add("ISO week (last " + gfs.weekly() + ")");
    }
    if (gfs.monthly() > 0) {
      parts.add("month (last " + gfs.monthly() + ")");
    }
    if (gfs.yearly() > 0) {
      parts.add("year (last " + gfs.yearly() + ")");
    }
    return String.join(", ", parts);
  }

  /**
   * Keeps the newest good backup of each of the newest {@code count} periods that have a good
   * backup (as restic's and borg's {@code --keep-daily} count): a gap in the backups (an outage, a
   * suspended schedule) never makes a rule keep fewer, and every kept one is the newest of its
   * period. {@code key} names a day's period.
   */
  private void period(
      Map<BackupId, List<Keep>> keeps,
      List<Manifest> newestFirst,
      Rule rule,
      int count,
      Function<LocalDate, String> key) {
    Set<String> taken = new HashSet<>();
    for (Manifest m : newestFirst) {
      if (taken.size() == count) {
        return;
      }
      if (!good(m)) {
        continue;
      }
      String p = key.apply(LocalDate.ofInstant(m.backupId().startTime(), zone));
      if (taken.add(p)) {
        keeps.get(m.backupId()).add(new Keep(rule, p));
      }
    }
  }

  /** The ISO week of {@code d}, as 2026-W05 (its week-based year, which may differ from d's). */
  static String week(LocalDate d) {
    return String.format(
        "%d-W%02d",
        d.get(WeekFields.ISO.weekBasedYear()), d.get(WeekFields.ISO.weekOfWeekBasedYear()));
  }

  /**
   * A good backup: not one whose verification ran and failed (verification switched off is not a
   * failure).
   */
  static boolean good(Manifest m) {
    if (m.verificationFailed()) {
      return false;
    }
    Manifest.Verification v = m.verification();
    return v == null || v.verified() || "none".equals(v.mode());
  }
}
