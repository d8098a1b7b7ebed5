package io.dbbackup.runner.retention;

import io.dbbackup.api.v1alpha1.RetentionSpec;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** What keeps a backup no rule keeps while some folder could not be read or trusted. */
  private static final Keep INCOMPLETE =
      new Keep(Rule.STORE_INCOMPLETE, "(a backup folder could not be read or trusted)");

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
    Map<BackupId, List<Keep>> keeps = new KeepRules(this).keeps(newestFirst, now, current);
    DeletionDetails deletions = new DeletionDetails(this);
    List<Decision> decisions = new ArrayList<>();
    for (Manifest m : newestFirst) {
      BackupId id = m.backupId();
      List<Keep> k = keeps.get(id);
      if (!k.isEmpty()) {
        decisions.add(new Decision(id, k, null));
      } else if (!catalog.complete()) {
        decisions.add(new Decision(id, List.of(INCOMPLETE), null));
      } else {
        decisions.add(new Decision(id, List.of(), deletions.expired(m)));
      }
    }
    Instant abandonedBefore = now.minus(abandonedAfter);
    for (BackupId id : catalog.incomplete()) {
      decisions.add(withoutManifest(id, catalog, abandonedBefore, current));
    }
    return new Explanation(decisions);
  }

  /** The verdict on {@code id}, a folder without manifest: current, running or abandoned. */
  private static Decision withoutManifest(
      BackupId id, Catalog catalog, Instant abandonedBefore, BackupId current) {
    if (id.equals(current)) {
      return new Decision(id, List.of(new Keep(Rule.CURRENT, "(this run)")), null);
    } else if (!id.startTime().isBefore(abandonedBefore)) {
      return new Decision(
          id, List.of(new Keep(Rule.RUNNING, "(no manifest, younger than the run timeout)")), null);
    } else if (!catalog.complete()) {
      return new Decision(id, List.of(INCOMPLETE), null);
    }
    return new Decision(id, List.of(), DeletionDetails.abandoned(id));
  }
}
