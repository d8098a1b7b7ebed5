package io.dbbackup.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.PagerDutyChannelSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SlackChannelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackAndPagerDutyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUTING_KEY = "R0UTING-KEY-0123456789abcdef";

  @Test
  void slackGetsTheHeadlineAsTextAndTheFactsAsBlocks() throws Exception {
    try (HttpPeer slack = new HttpPeer();
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(slack("ops-chat")),
              Fixtures.secrets(Map.of("slack/url", slack.uri("/services/T0/B0/X").toString())));

      assertThat(results).containsExactly(new ChannelResult("ops-chat", true, 1, null));
      HttpPeer.Request request = slack.next(5);
      assertThat(request.path()).isEqualTo("/services/T0/B0/X");
      assertThat(request.header("Content-Type")).isEqualTo("application/json");
      JsonNode body = JSON.readTree(request.body());
      assertThat(body.get("text").asText())
          .isEqualTo("FAILED shop/orders-db: database unreachable");
      JsonNode blocks = body.get("blocks");
      assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
      assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("FAILED shop/orders-db");
      String all = blocks.toString();
      assertThat(all)
          .contains("*Exit code*\\n3")
          .contains("*Reason*\\nDatabaseUnreachable")
          .contains("*Backup id*\\n20261124T020000Z-7f3a")
          .contains("connection to orders-db.shop:5432 refused")
          .contains("kubectl -n shop describe databasebackup orders-db");
      for (JsonNode block : blocks) {
        assertThat(block.get("type").asText()).isIn("header", "section");
        if (block.has("fields")) {
          assertThat(block.get("fields").size()).isBetween(1, 10);
        }
      }
    }
  }

  @Test
  void slackMarkupInTheFactsIsEscaped() throws Exception {
    Notification n = Fixtures.of(NotificationEvent.BackupFailed, Severity.CRITICAL, "a <b> & c");
    String text = JSON.writeValueAsString(SlackSender.payload(n));
    assertThat(text).contains("a &lt;b&gt; &amp; c").doesNotContain("<b>");
  }

  @Test
  void pagerDutyTriggersWithADedupKeyPerResourceAndEvent() throws Exception {
    try (HttpPeer pd = new HttpPeer().answerAlways(202, "{\"status\":\"success\"}");
        Notifier notifier = new DefaultNotifier(pagerDutyAt(pd))) {
      List<ChannelResult> results =
          notifier.deliver(Fixtures.failed(), List.of(pagerDuty("oncall")), pdSecrets());

      assertThat(results).containsExactly(new ChannelResult("oncall", true, 1, null));
      HttpPeer.Request request = pd.next(5);
      assertThat(request.path()).isEqualTo("/v2/enqueue");
      JsonNode event = JSON.readTree(request.body());
      assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(event.get("event_action").asText()).isEqualTo("trigger");
      assertThat(event.get("dedup_key").asText()).isEqualTo("dbbackup/shop/orders-db/BackupFailed");
      JsonNode payload = event.get("payload");
      assertThat(payload.get("summary").asText())
          .isEqualTo("FAILED shop/orders-db: database unreachable");
      assertThat(payload.get("source").asText()).isEqualTo("shop/orders-db");
      assertThat(payload.get("severity").asText()).isEqualTo("critical");
      assertThat(payload.get("timestamp").asText()).isEqualTo("2026-11-24T02:03:11Z");
      assertThat(payload.get("component").asText()).isEqualTo("DatabaseBackup");
      assertThat(payload.get("group").asText()).isEqualTo("shop");
      assertThat(payload.get("class").asText()).isEqualTo("BackupFailed");
      assertThat(payload.at("/custom_details/exitCode").asInt()).isEqualTo(3);
      assertThat(payload.at("/custom_details/backupId").asText())
          .isEqualTo("20261124T020000Z-7f3a");
    }
  }

  @Test
  void recoveryResolvesTheFailedAndStaleIncidentsOfThatResource() throws Exception {
    try (HttpPeer pd = new HttpPeer().answerAlways(202, "{\"status\":\"success\"}");
        Notifier notifier = new DefaultNotifier(pagerDutyAt(pd))) {
      Notification recovered =
          Fixtures.of(NotificationEvent.BackupRecovered, Severity.INFO, "backup succeeded again");
      List<ChannelResult> results =
          notifier.deliver(recovered, List.of(pagerDuty("oncall")), pdSecrets());

      assertThat(results.get(0).delivered()).isTrue();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        JsonNode event = JSON.readTree(pd.next(5).body());
        assertThat(event.get("event_action").asText()).isEqualTo("resolve");
        assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.has("payload")).isFalse();
        keys.add(event.get("dedup_key").asText());
      }
      assertThat(keys)
          .containsExactly(
              "dbbackup/shop/orders-db/BackupFailed", "dbbackup/shop/orders-db/BackupStale");
      assertThat(pd.received()).isZero();
    }
  }

  @Test
  void aRejectedPagerDutyEventIsNotRetriedAndTheRoutingKeyStaysOutOfTheError() throws Exception {
    try (HttpPeer pd =
            new HttpPeer()
                .answerAlways(
                    400,
                    "{\"status\":\"invalid event\",\"errors\":[\"bad key " + ROUTING_KEY + "\"]}");
        LogCapture logs = new LogCapture();
        Notifier notifier = new DefaultNotifier(pagerDutyAt(pd))) {
      ChannelResult result =
          notifier.deliver(Fixtures.failed(), List.of(pagerDuty("oncall")), pdSecrets()).get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error()).startsWith("pagerDuty: HTTP 400").doesNotContain(ROUTING_KEY);
      assertThat(logs.text()).contains("oncall").doesNotContain(ROUTING_KEY);
    }
  }

  private static NotifierSettings pagerDutyAt(HttpPeer pd) {
    return Fixtures.fast(Duration.ofSeconds(10)).withPagerDutyEventsUrl(pd.uri("/v2/enqueue"));
  }

  private static SecretSource pdSecrets() {
    return Fixtures.secrets(Map.of("pd/routingKey", ROUTING_KEY + "\n"));
  }

  static NotificationChannelSpec slack(String name) {
    NotificationChannelSpec c = new NotificationChannelSpec();
    c.setName(name);
    c.setSlack(new SlackChannelSpec(new SecretKeyRef("slack", "url")));
    return c;
  }

  static NotificationChannelSpec pagerDuty(String name) {
    NotificationChannelSpec c = new NotificationChannelSpec();
    c.setName(name);
    c.setPagerDuty(new PagerDutyChannelSpec(new SecretKeyRef("pd", "routingKey")));
    return c;
  }
}
