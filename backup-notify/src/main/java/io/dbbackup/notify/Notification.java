package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationEvent;
import java.time.Instant;
import java.util.Map;

/**
 * One happening, in the facts every channel carries (DESIGN "Notifications": the webhook body is
 * this record as JSON, version 1). {@code details} holds exitCode, reason, message, storedBytes,
 * durationSeconds, location and the like; it never holds a secret.
 *
 * @param key identifies the happening (e.g. {@code BackupFailed/<run id>}): the same key is never
 *     delivered twice to one channel
 */
public record Notification(
    String key,
    NotificationEvent event,
    Severity severity,
    Instant occurredAt,
    ResourceRef resource,
    String backupId,
    String summary,
    Map<String, Object> details) {}
