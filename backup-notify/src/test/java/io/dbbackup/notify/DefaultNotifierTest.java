package io.dbbackup.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SlackChannelSpec;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class DefaultNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theWebhookBodyCarriesEveryFieldOfVersion1() throws Exception {
    try (HttpPeer peer = new HttpPeer();
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(Fixtures.webhook("hook", "url", null)),
              Fixtures.secrets(Map.of("hook/url", peer.uri("/in").toString())));

      assertThat(results).containsExactly(new ChannelResult("hook", true, 1, null));
      HttpPeer.Request request = peer.next(5);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/in");
      assertThat(request.header("Content-Type")).isEqualTo("application/json");
      assertThat(request.header("X-Dbbackup-Event")).isEqualTo("BackupFailed");
      assertThat(request.header("X-Dbbackup-Signature")).isNull();
      JsonNode body = JSON.readTree(request.body());
      assertThat(body.get("version").asInt()).isEqualTo(1);
      assertThat(body.get("event").asText()).isEqualTo("BackupFailed");
      assertThat(body.get("severity").asText()).isEqualTo("critical");
      assertThat(body.get("occurredAt").asText()).isEqualTo("2026-11-24T02:03:11Z");
      assertThat(body.at("/resource/kind").asText()).isEqualTo("DatabaseBackup");
      assertThat(body.at("/resource/namespace").asText()).isEqualTo("shop");
      assertThat(body.at("/resource/name").asText()).isEqualTo("orders-db");
      assertThat(body.at("/resource/uid").asText()).isEqualTo("uid-1234");
      assertThat(body.get("backupId").asText()).isEqualTo("20261124T020000Z-7f3a");
      assertThat(body.get("summary").asText()).isEqualTo("database unreachable");
      assertThat(body.at("/details/exitCode").asInt()).isEqualTo(3);
      assertThat(body.at("/details/reason").asText()).isEqualTo("DatabaseUnreachable");
      assertThat(body.at("/details/storedBytes").asLong()).isZero();
      assertThat(body.at("/details/durationSeconds").asDouble()).isEqualTo(12.5);
      assertThat(body.at("/details/location").asText()).startsWith("s3://backups/shop/orders-db/");
      assertThat(fieldNames(body))
          .containsExactly(
              "version",
              "event",
              "severity",
              "occurredAt",
              "resource",
              "backupId",
              "summary",
              "details");
    }
  }

  @Test
  void theSignatureHeaderIsTheHmacSha256OfTheExactBodyReceived() throws Exception {
    String key = "hmac-key-9f8e7d";
    try (HttpPeer peer = new HttpPeer();
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(Fixtures.webhook("hook", "url", "key")),
              Fixtures.secrets(Map.of("hook/url", peer.uri("/").toString(), "hook/key", key)));

      assertThat(results.get(0).delivered()).isTrue();
      HttpPeer.Request request = peer.next(5);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
      assertThat(request.header("X-Dbbackup-Signature")).isEqualTo(expected);
      mac.init(new SecretKeySpec("another-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertThat(request.header("X-Dbbackup-Signature"))
          .isNotEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body())));
    }
  }

  @Test
  void a503IsRetriedWithBackoffUntilTheHookTakesIt() throws Exception {
    try (HttpPeer peer = new HttpPeer().answer(503, 429);
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(Fixtures.webhook("hook", "url", null)),
              Fixtures.secrets(Map.of("hook/url", peer.uri("/").toString())));

      assertThat(results).containsExactly(new ChannelResult("hook", true, 3, null));
      assertThat(peer.received()).isEqualTo(3);
    }
  }

  @Test
  void aClientErrorIsNotRetriedAndNamesTheStatus() throws Exception {
    try (HttpPeer peer = new HttpPeer().answerAlways(404, "no such hook");
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(Fixtures.webhook("hook", "url", null)),
                  Fixtures.secrets(Map.of("hook/url", peer.uri("/").toString())))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error()).isEqualTo("webhook: HTTP 404: no such hook (1 attempt)");
      assertThat(peer.received()).isEqualTo(1);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutEachAttemptAndGivesUp() throws Exception {
    try (HttpPeer peer = new HttpPeer();
        Notifier notifier =
            new DefaultNotifier(
                Fixtures.fast(Duration.ofSeconds(1))
                    .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10)))) {
      peer.holdAnswers();
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(Fixtures.webhook("hook", "url", null)),
                  Fixtures.secrets(Map.of("hook/url", peer.uri("/").toString())))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(2);
      assertThat(result.error()).isEqualTo("webhook: no answer within 1s (2 attempts)");
      assertThat(peer.received()).isEqualTo(2);
    }
  }

  @Test
  void aRefusedConnectionIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(5)))) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(Fixtures.webhook("hook", "url", null)),
                  Fixtures.secrets(Map.of("hook/url", "http://127.0.0.1:" + port + "/x")))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(5);
      assertThat(result.error()).contains("connection refused").doesNotContain("127.0.0.1");
    }
  }

  @Test
  void aDeadChannelDoesNotDelayAGoodOne() throws Exception {
    try (HttpPeer dead = new HttpPeer();
        HttpPeer good = new HttpPeer();
        Notifier notifier =
            new DefaultNotifier(
                Fixtures.fast(Duration.ofSeconds(60))
                    .withRetries(1, Duration.ZERO, Duration.ZERO)
                    .withChannelTimeLimit(Duration.ofSeconds(90)))) {
      CountDownLatch release = dead.holdAnswers();
      dead.answer(503);
      CompletableFuture<List<ChannelResult>> results =
          CompletableFuture.supplyAsync(
              () ->
                  notifier.deliver(
                      Fixtures.failed(),
                      List.of(
                          Fixtures.webhook("dead", "dead", null),
                          Fixtures.webhook("good", "good", null)),
                      Fixtures.secrets(
                          Map.of(
                              "hook/dead", dead.uri("/").toString(),
                              "hook/good", good.uri("/").toString()))));

      // The dead hook has the request and holds its answer; the good one is served meanwhile.
      assertThat(dead.next(30)).isNotNull();
      assertThat(good.next(30)).isNotNull();
      assertThat(release.getCount()).isEqualTo(1);
      assertThat(results).isNotDone();

      release.countDown();
      List<ChannelResult> done = results.get(30, TimeUnit.SECONDS);
      assertThat(done.get(0).channel()).isEqualTo("dead");
      assertThat(done.get(0).delivered()).isFalse();
      assertThat(done.get(0).error()).contains("HTTP 503");
      assertThat(done.get(1)).isEqualTo(new ChannelResult("good", true, 1, null));
    }
  }

  @Test
  void noSecretAppearsInAnErrorOrALogLineEvenWhenThePeerEchoesIt() throws Exception {
    String key = "signing-key-c0ffee";
    try (HttpPeer peer = new HttpPeer();
        LogCapture logs = new LogCapture();
        Notifier notifier =
            new DefaultNotifier(
                Fixtures.fast(Duration.ofSeconds(5))
                    .withRetries(2, Duration.ZERO, Duration.ZERO))) {
      String url = peer.uri("/hooks/T0KEN-s3cr3t-path").toString();
      peer.answerAlways(500, "bad request to " + url + " signed with " + key);
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(Fixtures.webhook("hook", "url", "key")),
                  Fixtures.secrets(Map.of("hook/url", url, "hook/key", key)))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.error()).contains("HTTP 500").contains("[redacted]");
      assertThat(result.error()).doesNotContain("T0KEN").doesNotContain(key);
      assertThat(logs.text()).contains("hook").doesNotContain("T0KEN").doesNotContain(key);
    }
  }

  @Test
  void aUrlThatIsNotOneIsReportedByItsSecretNotItsValue() {
    try (Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(5)))) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(Fixtures.webhook("hook", "url", null)),
                  Fixtures.secrets(Map.of("hook/url", "ftp:top-secret-value")))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error())
          .isEqualTo(
              "webhook: the value of Secret hook key url is not an absolute http(s) URL (1"
                  + " attempt)");
    }
  }

  @Test
  void aMissingSecretOrAChannelOfTwoKindsFailsThatChannelOnly() throws Exception {
    NotificationChannelSpec twoKinds = Fixtures.webhook("both", "url", null);
    twoKinds.setSlack(new SlackChannelSpec(new SecretKeyRef("slack", "url")));
    try (HttpPeer peer = new HttpPeer();
        Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(5)))) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(
                  Fixtures.webhook("missing", "absent", null),
                  twoKinds,
                  Fixtures.webhook("fine", "url", null)),
              Fixtures.secrets(Map.of("hook/url", peer.uri("/").toString())));

      assertThat(results.get(0).error())
          .isEqualTo("webhook: Secret hook has no key absent (1 attempt)");
      assertThat(results.get(1).error())
          .isEqualTo(
              "channel both: exactly one of email, slack, pagerDuty, webhook must be set (found"
                  + " 2)");
      assertThat(results.get(2).delivered()).isTrue();
      assertThat(peer.received()).isEqualTo(1);
    }
  }

  @Test
  void backoffDoublesFromTheInitialDelayUpToTheCap() {
    try (DefaultNotifier notifier =
        new DefaultNotifier(
            NotifierSettings.defaults()
                .withRetries(9, Duration.ofMillis(100), Duration.ofMillis(700)))) {
      assertThat(List.of(1, 2, 3, 4, 5).stream().map(notifier::backoff).toList())
          .containsExactly(
              Duration.ofMillis(100),
              Duration.ofMillis(200),
              Duration.ofMillis(400),
              Duration.ofMillis(700),
              Duration.ofMillis(700));
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
