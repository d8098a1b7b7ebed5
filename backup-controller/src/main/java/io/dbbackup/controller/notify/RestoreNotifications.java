package io.dbbackup.controller.notify;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.ResourceRef;
import io.dbbackup.notify.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A finished DatabaseRestore's notification: RestoreSucceeded or RestoreFailed, keyed {@code
 * <event>/<restore uid>} (a restore ends once). Pure; built from the restore's status.
 */
public final class RestoreNotifications {
  public static final String KIND = "DatabaseRestore";

  /** The restore condition whose reason names the failure class. */
  private static final String CONDITION = "Succeeded";

  private RestoreNotifications() {}

  public static Optional<Happening> of(DatabaseRestore restore, Instant now) {
    DatabaseRestoreStatus s = restore.getStatus();
    if (s == null || (s.getPhase() != Phase.Succeeded && s.getPhase() != Phase.Failed)) {
      return Optional.empty();
    }
    boolean ok = s.getPhase() == Phase.Succeeded;
    NotificationEvent event =
        ok ? NotificationEvent.RestoreSucceeded : NotificationEvent.RestoreFailed;
    Map<String, Object> d = new LinkedHashMap<>();
    Conditions.find(s.getConditions(), CONDITION)
        .map(c -> c.getReason())
        .ifPresent(r -> d.put("reason", r));
    if (s.getMessage() != null) {
      d.put("message", s.getMessage());
    }
    d.put("backup", restore.getSpec().getBackupRef().getName());
    if (s.getStartTime() != null) {
      d.put("startTime", s.getStartTime());
    }
    if (s.getCompletionTime() != null) {
      d.put("completionTime", s.getCompletionTime());
    }
    String backupId = s.getBackupId() != null ? s.getBackupId() : restore.getSpec().getBackupId();
    String summary =
        ok
            ? "restore of " + backupId + " succeeded"
            : (s.getMessage() == null || s.getMessage().isBlank()
                ? "restore of " + backupId + " failed"
                : s.getMessage().strip().lines().findFirst().orElse("restore failed"));
    return Optional.of(
        new Happening(
            new Notification(
                event + "/" + restore.getMetadata().getUid(),
                event,
                ok ? Severity.INFO : Severity.ERROR,
                NotificationDerivation.time(s.getCompletionTime()).orElse(now),
                new ResourceRef(
                    KIND,
                    restore.getMetadata().getNamespace(),
                    restore.getMetadata().getName(),
                    restore.getMetadata().getUid()),
                backupId,
                summary.length() <= 200 ? summary : summary.substring(0, 197) + "...",
                d),
            false));
  }
}
