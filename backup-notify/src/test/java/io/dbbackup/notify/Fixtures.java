package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.WebhookChannelSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Notifications, channels and secrets the tests share. */
final class Fixtures {
  private Fixtures() {}

  static Notification failed() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exitCode", 3);
    details.put("reason", "DatabaseUnreachable");
    details.put("message", "connection to orders-db.shop:5432 refused");
    details.put("storedBytes", 0L);
    details.put("durationSeconds", 12.5);
    details.put("location", "s3://backups/shop/orders-db/20261124T020000Z-7f3a");
    return new Notification(
        "BackupFailed/20261124T020000Z-7f3a",
        NotificationEvent.BackupFailed,
        Severity.CRITICAL,
        Instant.parse("2026-11-24T02:03:11Z"),
        new ResourceRef("DatabaseBackup", "shop", "orders-db", "uid-1234"),
        "20261124T020000Z-7f3a",
        "database unreachable",
        details);
  }

  static Notification of(NotificationEvent event, Severity severity, String summary) {
    Notification f = failed();
    return new Notification(
        event.name() + "/x",
        event,
        severity,
        f.occurredAt(),
        f.resource(),
        f.backupId(),
        summary,
        f.details());
  }

  static NotificationChannelSpec webhook(String name, String urlKey, String signingKey) {
    WebhookChannelSpec spec = new WebhookChannelSpec(new SecretKeyRef("hook", urlKey));
    if (signingKey != null) {
      spec.setSigningKeySecretRef(new SecretKeyRef("hook", signingKey));
    }
    NotificationChannelSpec c = new NotificationChannelSpec();
    c.setName(name);
    c.setWebhook(spec);
    return c;
  }

  /** Secrets from a map keyed {@code <name>/<key>}; a missing one is an error naming it. */
  static SecretSource secrets(Map<String, String> values) {
    return ref -> {
      String v = values.get(ref.getName() + "/" + ref.getKey());
      if (v == null) {
        throw new NotificationException(
            "Secret " + ref.getName() + " has no key " + ref.getKey(), false);
      }
      return v;
    };
  }

  /** Fast retries: 5 attempts from 20 ms, a call limit of {@code call}, 30 s per channel. */
  static NotifierSettings fast(Duration call) {
    return NotifierSettings.defaults()
        .withCallTimeout(call)
        .withRetries(5, Duration.ofMillis(20), Duration.ofMillis(100))
        .withChannelTimeLimit(Duration.ofSeconds(30));
  }
}
