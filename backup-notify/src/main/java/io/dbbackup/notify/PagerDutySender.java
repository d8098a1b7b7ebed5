package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.PagerDutyChannelSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty Events API v2: a {@code trigger} per event with the dedup_key {@code
 * dbbackup/<namespace>/<name>/<event>}, so one incident per resource and event; BackupRecovered
 * {@code resolve}s the resource's BackupFailed and BackupStale incidents instead.
 */
final class PagerDutySender implements ChannelSender {
  static final List<NotificationEvent> RESOLVED_BY_RECOVERY =
      List.of(NotificationEvent.BackupFailed, NotificationEvent.BackupStale);

  private final HttpClient http;
  private final URI endpoint;

  PagerDutySender(HttpClient http, URI endpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  @Override
  public String kind() {
    return "pagerDuty";
  }

  @Override
  public void send(
      Notification n, NotificationChannelSpec channel, SecretSource secrets, Duration timeout)
      throws NotificationException {
    PagerDutyChannelSpec spec = channel.getPagerDuty();
    if (spec.getRoutingKeySecretRef() == null) {
      throw new NotificationException("pagerDuty.routingKeySecretRef is required", false);
    }
    String routingKey = secrets.read(spec.getRoutingKeySecretRef());
    if (routingKey == null || routingKey.isBlank()) {
      throw new NotificationException(
          "Secret "
              + spec.getRoutingKeySecretRef().getName()
              + " key "
              + spec.getRoutingKeySecretRef().getKey()
              + " holds an empty routing key",
          false);
    }
    String key = routingKey.strip();
    if (n.event() == NotificationEvent.BackupRecovered) {
      for (NotificationEvent open : RESOLVED_BY_RECOVERY) {
        post(resolve(key, dedupKey(n.resource(), open)), timeout);
      }
    } else {
      post(trigger(key, n), timeout);
    }
  }

  private void post(Map<String, Object> event, Duration timeout) throws NotificationException {
    JsonPost.post(http, endpoint, NotificationJson.write(event), Map.of(), timeout);
  }

  /** {@code dbbackup/<namespace>/<name>/<event>}. */
  static String dedupKey(ResourceRef r, NotificationEvent event) {
    return "dbbackup/" + r.namespace() + "/" + r.name() + "/" + event.name();
  }

  static Map<String, Object> trigger(String routingKey, Notification n) {
    Map<String, Object> payload = new LinkedHashMap<>();
    String summary = NotificationText.headline(n);
    payload.put("summary", summary.length() > 1024 ? summary.substring(0, 1021) + "..." : summary);
    payload.put("source", NotificationText.where(n));
    payload.put("severity", NotificationJson.severity(n.severity()));
    payload.put("timestamp", NotificationJson.timestamp(n.occurredAt()));
    payload.put("component", n.resource() == null ? null : n.resource().kind());
    payload.put("group", n.resource() == null ? null : n.resource().namespace());
    payload.put("class", n.event().name());
    Map<String, Object> custom = new LinkedHashMap<>();
    custom.put("backupId", n.backupId());
    custom.put("uid", n.resource() == null ? null : n.resource().uid());
    custom.putAll(NotificationJson.details(n));
    payload.put("custom_details", custom);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("routing_key", routingKey);
    event.put("event_action", "trigger");
    event.put("dedup_key", dedupKey(n.resource(), n.event()));
    event.put("client", "dbbackup-operator");
    event.put("payload", payload);
    return event;
  }

  static Map<String, Object> resolve(String routingKey, String dedupKey) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("routing_key", routingKey);
    event.put("event_action", "resolve");
    event.put("dedup_key", dedupKey);
    return event;
  }
}
