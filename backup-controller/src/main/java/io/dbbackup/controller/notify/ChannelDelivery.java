package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.controller.BackupEvents;
import io.dbbackup.controller.metrics.NotificationCounter;
import io.dbbackup.notify.ChannelResult;
import io.dbbackup.notify.Notifier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery of a happening to one channel, on its own thread ({@link NotificationService}
 * decides what is due and starts it): the notifier's result, the metric, a log line and for a
 * failure a Warning Event (errors redacted of every Secret value read), and the record.
 */
final class ChannelDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

  private final KubernetesClient client;
  private final Notifier notifier;
  private final NotificationSettings settings;
  private final Clock clock;
  private final NotificationCounter counter;
  private final BackupEvents events;
  private final NotificationRecords records;

  ChannelDelivery(
      KubernetesClient client,
      Notifier notifier,
      NotificationSettings settings,
      Clock clock,
      NotificationCounter counter,
      NotificationRecords records) {
    this.client = client;
    this.notifier = notifier;
    this.settings = settings;
    this.clock = clock;
    this.counter = counter;
    this.events = new BackupEvents(client, clock);
    this.records = records;
  }

  /** Sends {@code h} about {@code subject} to channel {@code t}, and records and reports it. */
  void run(DatabaseBackup backup, HasMetadata subject, Happening h, ChannelTarget t) {
    KubernetesSecretSource secrets = new KubernetesSecretSource(client, t.secretNamespace());
    ChannelResult result = send(h, t, secrets);
    boolean sent = result.delivered();
    String error =
        sent
            ? null
            : secrets.redact(
                secrets.problem() != null
                    ? secrets.problem()
                    : java.util.Objects.requireNonNullElse(result.error(), "not delivered"));
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    NotificationRecord record =
        new NotificationRecord(
            h.key(),
            t.name(),
            h.event(),
            at.toString(),
            sent ? DeliveryPlan.SENT : DeliveryPlan.FAILED);
    records.remember(backup, t.name() + "|" + h.key(), record);
    counter.count(t.name(), h.event().name(), sent ? "sent" : "failed");
    report(subject, h, t, result, error);
    records.write(backup, record);
  }

  /** The notifier's result for one channel; a notifier that throws is a failed delivery. */
  private ChannelResult send(Happening h, ChannelTarget t, KubernetesSecretSource secrets) {
    try {
      List<ChannelResult> results = notifier.deliver(h.notification(), List.of(t.spec()), secrets);
      return results == null || results.isEmpty()
          ? new ChannelResult(t.spec().getName(), false, 0, "the notifier gave no result")
          : results.getFirst();
    } catch (RuntimeException e) {
      return new ChannelResult(t.spec().getName(), false, 1, e.getClass().getSimpleName());
    }
  }

  /** A log line, and for a failure a Warning Event on the subject; {@code error} is redacted. */
  private void report(
      HasMetadata subject, Happening h, ChannelTarget t, ChannelResult result, String error) {
    String ns = subject.getMetadata().getNamespace();
    String name = subject.getMetadata().getName();
    if (result.delivered()) {
      LOG.info(
          "notification sent namespace={} name={} channel={} event={} key={} attempts={}",
          ns,
          name,
          t.name(),
          h.event(),
          h.key(),
          result.attempts());
      return;
    }
    LOG.warn(
        "notification failed namespace={} name={} channel={} event={} key={} attempts={}"
            + " error=\"{}\"",
        ns,
        name,
        t.name(),
        h.event(),
        h.key(),
        result.attempts(),
        error);
    events.warning(
        subject,
        "NotificationFailed",
        "channel "
            + t.name()
            + " could not deliver "
            + h.event()
            + " ("
            + h.key()
            + "): "
            + error
            + "; tried again in "
            + settings.retryFailedAfter().toMinutes()
            + " min while it is current");
  }
}
