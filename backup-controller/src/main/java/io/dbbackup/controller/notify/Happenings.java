package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How {@link NotificationDerivation} words a run's happenings: key, summary and details. */
final class Happenings {
  private Happenings() {}

  static Happening once(
      DatabaseBackup b,
      NotificationEvent event,
      Severity severity,
      String runId,
      Instant at,
      String summary,
      Map<String, Object> details) {
    return new Happening(notification(b, event, severity, runId, at, summary, details), false);
  }

  static Notification notification(
      DatabaseBackup b,
      NotificationEvent event,
      Severity severity,
      String runId,
      Instant at,
      String summary,
      Map<String, Object> details) {
    return new Notification(
        event + "/" + runId,
        event,
        severity,
        at,
        NotificationDerivation.ref(b),
        runId,
        summary,
        details);
  }

  static Map<String, Object> runDetails(BackupRecord run, String reason) {
    Map<String, Object> d = new LinkedHashMap<>();
    putPresent(d, "exitCode", run.getExitCode());
    putPresent(d, "reason", reason);
    putPresent(d, "message", run.getMessage());
    putPresent(d, "storedBytes", run.getStoredBytes());
    putPresent(d, "durationSeconds", run.getDurationSeconds());
    putPresent(d, "location", run.getLocation());
    putPresent(d, "job", run.getJobName());
    putPresent(d, "startTime", run.getStartTime());
    return d;
  }

  /** Puts {@code value} under {@code key} unless it is null (details leave out what is unknown). */
  private static void putPresent(Map<String, Object> details, String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
  }

  static String sizeText(BackupRecord run) {
    return run.getSize() == null ? "" : ", " + run.getSize();
  }

  static String firstLine(String message, String fallback) {
    if (message == null || message.isBlank()) {
      return fallback;
    }
    String line = message.strip().lines().findFirst().orElse(fallback);
    return line.length() <= 200 ? line : line.substring(0, 197) + "...";
  }
}
