package io.dbbackup.runner.retention;

import io.dbbackup.runner.retention.RetentionPolicy.Gfs;
import io.dbbackup.runner.retention.RetentionPolicy.Keep;
import io.dbbackup.runner.retention.RetentionPolicy.Rule;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.WeekFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The keep rules of a {@link RetentionPolicy} applied to the backups that have a manifest: {@code
 * current}, {@code minKeep}, {@code days} and the grandfather-father-son periods, and which of them
 * keeps each backup (in that order).
 */
final class KeepRules {

  private final RetentionPolicy policy;

  KeepRules(RetentionPolicy policy) {
    this.policy = policy;
  }

  /** The rules keeping each of {@code newestFirst} at {@code now}; empty for one none keeps. */
  Map<BackupId, List<Keep>> keeps(List<Manifest> newestFirst, Instant now, BackupId current) {
    Map<BackupId, List<Keep>> keeps = new LinkedHashMap<>();
    for (Manifest m : newestFirst) {
      List<Keep> k = new ArrayList<>();
      if (m.backupId().equals(current)) {
        k.add(new Keep(Rule.CURRENT, "(this run's backup)"));
      }
      keeps.put(m.backupId(), k);
    }
    minKeep(keeps, newestFirst);
    days(keeps, newestFirst, now);
    Gfs gfs = policy.gfs();
    period(keeps, newestFirst, Rule.DAILY, gfs.daily(), LocalDate::toString);
    period(keeps, newestFirst, Rule.WEEKLY, gfs.weekly(), KeepRules::week);
    period(keeps, newestFirst, Rule.MONTHLY, gfs.monthly(), d -> YearMonth.from(d).toString());
    period(keeps, newestFirst, Rule.YEARLY, gfs.yearly(), d -> String.valueOf(d.getYear()));
    return keeps;
  }

  /** Keeps the newest {@code minKeep} good backups, however old. */
  private void minKeep(Map<BackupId, List<Keep>> keeps, List<Manifest> newestFirst) {
    int minKeep = policy.minKeep();
    int kept = 0;
    for (Manifest m : newestFirst) {
      if (good(m) && kept < minKeep) {
        kept++;
        keeps.get(m.backupId()).add(new Keep(Rule.MIN_KEEP, kept + "/" + minKeep));
      }
    }
  }

  /** Keeps every backup started within the last {@code days} days, good or not. */
  private void days(Map<BackupId, List<Keep>> keeps, List<Manifest> newestFirst, Instant now) {
    int days = policy.days();
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
      String p = key.apply(LocalDate.ofInstant(m.backupId().startTime(), policy.zone()));
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
