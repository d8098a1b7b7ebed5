package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.SlackChannelSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: {@code text} (the headline, what notifications show) plus {@code
 * blocks} carrying the same facts as the webhook body and the first commands to run.
 */
final class SlackSender implements ChannelSender {
  private static final int MAX_FIELDS = 10;

  private final HttpClient http;

  SlackSender(HttpClient http) {
    this.http = http;
  }

  @Override
  public String kind() {
    return "slack";
  }

  @Override
  public void send(
      Notification n, NotificationChannelSpec channel, SecretSource secrets, Duration timeout)
      throws NotificationException {
    SlackChannelSpec spec = channel.getSlack();
    if (spec.getWebhookUrlSecretRef() == null) {
      throw new NotificationException("slack.webhookUrlSecretRef is required", false);
    }
    URI url =
        JsonPost.url(secrets.read(spec.getWebhookUrlSecretRef()), spec.getWebhookUrlSecretRef());
    JsonPost.post(http, url, NotificationJson.write(payload(n)), Map.of(), timeout);
  }

  static Map<String, Object> payload(Notification n) {
    List<Object> blocks = new ArrayList<>();
    blocks.add(
        Map.of(
            "type",
            "header",
            "text",
            Map.of(
                "type",
                "plain_text",
                "text",
                cut(NotificationText.label(n.event()) + " " + NotificationText.where(n), 150))));
    if (n.summary() != null && !n.summary().isBlank()) {
      blocks.add(section("*" + escape(NotificationText.oneLine(n.summary())) + "*"));
    }
    Map<String, String> facts = NotificationText.facts(n);
    String message = facts.remove("Message");
    List<Object> fields = new ArrayList<>();
    facts.forEach(
        (k, v) -> {
          if (fields.size() < MAX_FIELDS) {
            fields.add(mrkdwn("*" + escape(k) + "*\n" + cut(escape(v), 1900)));
          }
        });
    blocks.add(Map.of("type", "section", "fields", fields));
    if (message != null) {
      blocks.add(section(">" + cut(escape(NotificationText.oneLine(message)), 2900)));
    }
    List<String> commands = NotificationText.commands(n);
    if (!commands.isEmpty()) {
      blocks.add(section("```" + escape(String.join("\n", commands)) + "```"));
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("text", escape(NotificationText.headline(n)));
    payload.put("blocks", blocks);
    return payload;
  }

  private static Map<String, Object> section(String text) {
    return Map.of("type", "section", "text", mrkdwn(text));
  }

  private static Map<String, Object> mrkdwn(String text) {
    return Map.of("type", "mrkdwn", "text", text);
  }

  /** Slack reads &, < and > as markup: they are sent escaped. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
