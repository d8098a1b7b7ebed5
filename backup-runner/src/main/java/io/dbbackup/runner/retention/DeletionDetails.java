package io.dbbackup.runner.retention;

import io.dbbackup.runner.retention.RetentionPolicy.Deletion;
import io.dbbackup.runner.retention.RetentionPolicy.Gfs;
import io.dbbackup.runner.retention.RetentionPolicy.Reason;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * The deletions a {@link RetentionPolicy} makes and their audit-trail text: why a backup expired
 * (and why no rule kept it), or that a folder without manifest was abandoned.
 */
final class DeletionDetails {

  private final RetentionPolicy policy;

  DeletionDetails(RetentionPolicy policy) {
    this.policy = policy;
  }

  /** The deletion of {@code m}, which no rule keeps. */
  Deletion expired(Manifest m) {
    StringBuilder why =
        new StringBuilder("started ")
            .append(m.backupId().startTime())
            .append(", before the ")
            .append(policy.days())
            .append("-day retention");
    if (!KeepRules.good(m)) {
      why.append("; failed verification, so neither minKeep nor a daily/weekly/monthly/yearly")
          .append(" rule keeps it");
    } else {
      why.append("; not among the newest ").append(policy.minKeep()).append(" good");
      if (policy.gfs().any()) {
        why.append(", nor the newest good backup of a kept ").append(keptPeriods());
      }
    }
    return new Deletion(m.backupId(), Reason.EXPIRED, why.toString());
  }

  /** The deletion of {@code id}, a folder without manifest older than the run timeout. */
  static Deletion abandoned(BackupId id) {
    return new Deletion(
        id,
        Reason.ABANDONED,
        "no manifest, started " + id.startTime() + ", longer ago than the run timeout");
  }

  /** "day (last 7), ISO week (last 4)" for the GFS rules that are on. */
  private String keptPeriods() {
    Gfs gfs = policy.gfs();
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
}
