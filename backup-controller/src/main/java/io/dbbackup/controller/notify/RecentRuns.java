package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import java.util.List;
import java.util.Optional;

/** What {@link NotificationDerivation} reads in {@code status.recentBackups} (newest first). */
final class RecentRuns {
  private RecentRuns() {}

  /**
   * Whether a BackupStale about the good backup before {@code id} (or about none) was sent: the
   * success {@code id} then ends it, and is a recovery too (PagerDuty resolves the incident).
   */
  static boolean staleAnnounced(DatabaseBackupStatus status, String id) {
    if (status == null || status.getNotifications() == null) {
      return false;
    }
    String previousGood =
        after(status, id).stream()
            .filter(r -> r.getPhase() == BackupPhase.Succeeded)
            .map(BackupRecord::getId)
            .findFirst()
            .orElse("never");
    String key = NotificationEvent.BackupStale + "/" + previousGood;
    return status.getNotifications().stream()
        .anyMatch(r -> r != null && key.equals(r.getKey()) && "Sent".equals(r.getResult()));
  }

  /** The finished (Succeeded or Failed) run recorded before {@code id}. */
  static Optional<BackupRecord> previousFinished(DatabaseBackupStatus status, String id) {
    return after(status, id).stream()
        .filter(r -> r.getPhase() == BackupPhase.Succeeded || r.getPhase() == BackupPhase.Failed)
        .findFirst();
  }

  /** The records of {@code recentBackups} (newest first) that come after {@code id}. */
  static List<BackupRecord> after(DatabaseBackupStatus status, String id) {
    List<BackupRecord> recent =
        status == null || status.getRecentBackups() == null ? List.of() : status.getRecentBackups();
    for (int i = 0; i < recent.size(); i++) {
      if (recent.get(i) != null && id.equals(recent.get(i).getId())) {
        return recent.subList(i + 1, recent.size()).stream()
            .filter(r -> r != null && r.getId() != null)
            .toList();
      }
    }
    return List.of();
  }
}
