package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The words mail and Slack use for a notification: a headline, the facts, the first commands. */
final class NotificationText {
  private static final Map<String, String> DETAIL_LABELS =
      Map.of(
          "exitCode", "Exit code",
          "reason", "Reason",
          "message", "Message",
          "storedBytes", "Stored bytes",
          "durationSeconds", "Duration (s)",
          "location", "Location",
          "job", "Job",
          "runnerHost", "Runner host");

  private NotificationText() {}

  /** FAILED, RECOVERED, STALE, CAPACITY LOW, ...: what happened, in one or two words. */
  static String label(NotificationEvent e) {
    return switch (e) {
      case BackupFailed -> "FAILED";
      case BackupRecovered -> "RECOVERED";
      case BackupStale -> "STALE";
      case CapacityLow -> "CAPACITY LOW";
      case Overtime -> "OVERTIME";
      case SizeChanged -> "SIZE CHANGED";
      case SuccessRateLow -> "SUCCESS RATE LOW";
      case BackupSucceeded -> "SUCCEEDED";
      case RestoreFailed -> "RESTORE FAILED";
      case RestoreSucceeded -> "RESTORE SUCCEEDED";
    };
  }

  /** {@code shop/orders-db}. */
  static String where(Notification n) {
    ResourceRef r = n.resource();
    return r == null ? "(unknown resource)" : r.namespace() + "/" + r.name();
  }

  /** {@code FAILED shop/orders-db: database unreachable}, on one line. */
  static String headline(Notification n) {
    String summary = n.summary() == null || n.summary().isBlank() ? "" : ": " + n.summary();
    return oneLine(label(n.event()) + " " + where(n) + summary);
  }

  /** {@code [dbbackup] FAILED shop/orders-db: database unreachable}. */
  static String subject(Notification n) {
    return "[dbbackup] " + headline(n);
  }

  /** Label and value of every fact, the resource's first, then the details in their order. */
  static Map<String, String> facts(Notification n) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Event", n.event().name() + " (" + NotificationJson.severity(n.severity()) + ")");
    ResourceRef r = n.resource();
    facts.put("Resource", (r == null ? "" : r.kind() + " ") + where(n));
    if (n.backupId() != null) {
      facts.put("Backup id", n.backupId());
    }
    if (n.occurredAt() != null) {
      facts.put("Occurred at", NotificationJson.timestamp(n.occurredAt()));
    }
    NotificationJson.details(n)
        .forEach(
            (k, v) -> {
              if (v != null) {
                facts.put(DETAIL_LABELS.getOrDefault(k, k), NotificationJson.text(v));
              }
            });
    return facts;
  }

  /** The first kubectl commands to run about the resource. */
  static List<String> commands(Notification n) {
    ResourceRef r = n.resource();
    List<String> commands = new ArrayList<>();
    if (r == null || r.namespace() == null || r.name() == null) {
      return commands;
    }
    String kind = r.kind() == null ? "databasebackup" : r.kind().toLowerCase(Locale.ROOT);
    String label = "databaserestore".equals(kind) ? "dbbackup.io/restore=" : "dbbackup.io/backup=";
    String ns = "kubectl -n " + r.namespace() + " ";
    commands.add(ns + "describe " + kind + " " + r.name());
    commands.add(ns + "get jobs -l " + label + r.name());
    Object job = n.details() == null ? null : n.details().get("job");
    commands.add(ns + "logs job/" + (job == null ? "<the newest job above>" : job));
    return commands;
  }

  /** The plain-text mail body: headline, facts, commands. */
  static String plainBody(Notification n) {
    StringBuilder b = new StringBuilder();
    b.append(headline(n)).append("\n\n");
    Map<String, String> facts = facts(n);
    int width = facts.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    String indent = " ".repeat(width);
    facts.forEach(
        (k, v) ->
            b.append(String.format("%-" + width + "s", k + ":"))
                .append(v.strip().replaceAll("\\r?\\n", "\n" + indent))
                .append('\n'));
    List<String> commands = commands(n);
    if (!commands.isEmpty()) {
      b.append("\nFirst steps:\n");
      commands.forEach(c -> b.append("  ").append(c).append('\n'));
    }
    b.append("\n-- dbbackup-operator\n");
    return b.toString();
  }

  static String oneLine(String s) {
    return s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
