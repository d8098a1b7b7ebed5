package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Notification;

/**
 * Something worth telling, as derived from what the controller sees.
 *
 * @param persists a condition that lasts (BackupStale, CapacityLow, SuccessRateLow): sent again
 *     while it lasts, at most every {@code repeatMinutes}; otherwise a one-off, sent once per key
 */
public record Happening(Notification notification, boolean persists) {
  public NotificationEvent event() {
    return notification.event();
  }

  public String key() {
    return notification.key();
  }
}
