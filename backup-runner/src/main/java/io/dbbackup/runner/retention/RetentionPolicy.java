package io.dbbackup.runner.retention;

import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backups to delete after a good run: good backups started more than {@code days} ago, except
 * the newest {@code minKeep} good ones (a backup that failed verification by restore is not a good
 * one: it never counts toward minKeep and goes once expired); and folders without a manifest
 * (abandoned runs) older than the run timeout. The backup just made is never a candidate.
 *
 * <p>Only on a complete picture of the store: while any folder's manifest could not be read or
 * trusted ({@link Catalog#unreadable()}), nothing is deleted at all, and a folder counts as
 * abandoned only once the store has shown its manifest absent.
 */
public record RetentionPolicy(int days, int minKeep, Duration abandonedAfter) {

  /** Why a backup is deleted. */
  public enum Reason {
    EXPIRED,
    ABANDONED
  }

  /** One deletion and its reason, for the audit trail. */
  public record Deletion(BackupId id, Reason reason, String detail) {}

  public RetentionPolicy {
    if (days < 1 || minKeep < 1) {
      throw new IllegalArgumentException("days and minKeep must be at least 1");
    }
  }

  /** The deletions for {@code catalog} at {@code now}, never touching {@code current}. */
  public List<Deletion> plan(Catalog catalog, Instant now, BackupId current) {
    if (!catalog.complete()) {
      return List.of();
    }
    Instant expiry = now.minus(Duration.ofDays(days));
    List<Deletion> deletions = new ArrayList<>();
    List<Manifest> newestFirst = catalog.backups();
    int kept = 0;
    for (Manifest m : newestFirst) {
      BackupId id = m.backupId();
      // A backup that failed verification by restore is kept until it expires, for inspection,
      // but never counts as one of the minKeep good ones.
      if (!m.verificationFailed() && kept < minKeep) {
        kept++;
        continue;
      }
      if (id.equals(current)) {
        continue;
      }
      // The id's time, not the manifest's: the folder's name is what a writer cannot move.
      if (id.startTime().isBefore(expiry)) {
        deletions.add(
            new Deletion(
                id,
                Reason.EXPIRED,
                "started " + id.startTime() + ", before the " + days + "-day retention"));
      }
    }
    Instant abandonedBefore = now.minus(abandonedAfter);
    for (BackupId id : catalog.incomplete()) {
      if (!id.equals(current) && id.startTime().isBefore(abandonedBefore)) {
        deletions.add(
            new Deletion(
                id,
                Reason.ABANDONED,
                "no manifest, started " + id.startTime() + ", longer ago than the run timeout"));
      }
    }
    return deletions;
  }
}
