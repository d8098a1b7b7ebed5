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
    if (run.getExitCode() != null) {
      d.put("exitCode", run.getExitCode());
    }
    if (reason != null) {
      d.put("reason", reason);
    }
    if (run.getMessage() != null) {
      d.put("message", run.getMessage());
    }
    if (run.getStoredBytes() != null) {
      d.put("storedBytes", run.getStoredBytes());
    }
    if (run.getDurationSeconds() != null) {
      d.put("durationSeconds", run.getDurationSeconds());
    }
    if (run.getLocation() != null) {
      d.put("location", run.getLocation());
    }
    if (run.getJobName() != null) {
      d.put("job", run.getJobName());
    }
    if (run.getStartTime() != null) {
      d.put("startTime", run.getStartTime());
    }
    return d;
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
