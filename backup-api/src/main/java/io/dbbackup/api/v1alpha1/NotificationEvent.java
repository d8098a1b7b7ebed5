package io.dbbackup.api.v1alpha1;

import java.util.EnumSet;
import java.util.Set;

/** What a notification is about (DESIGN "Notifications"); the names are the resource's values. */
public enum NotificationEvent {
  BackupFailed,
  BackupRecovered,
  BackupStale,
  CapacityLow,
  Overtime,
  SizeChanged,
  SuccessRateLow,
  BackupSucceeded,
  RestoreFailed,
  RestoreSucceeded;

  /** A channel that names no events gets these: every event except the two success reports. */
  public static Set<NotificationEvent> defaults() {
    Set<NotificationEvent> events = EnumSet.allOf(NotificationEvent.class);
    events.remove(BackupSucceeded);
    events.remove(RestoreSucceeded);
    return events;
  }
}
