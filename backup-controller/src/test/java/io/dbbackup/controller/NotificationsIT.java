package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.controller.http.HttpEndpoints;
import io.dbbackup.controller.notify.NotificationSettings;
import io.dbbackup.notify.DefaultNotifier;
import io.dbbackup.notify.NotifierSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The controller as the one sender, against the mock API server, with JDK HTTP servers as the
 * webhook and PagerDuty peers and a clock the test moves: one message per happening and channel,
 * none again after a restart, recovery and PagerDuty's resolve, a Job that died without a report,
 * BackupStale at the right time and repeated no more often than repeatMinutes, a dead channel and a
 * missing Secret that stop nobody else, a failed restore; and no secret in any message, Event or
 * log line.
 */
class NotificationsIT {
  static final String NS = "shop";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  static final Map<String, String> SIGNING_KEYS = new ConcurrentHashMap<>();

  static MockCluster cluster;
  static KubernetesClient client;
  static HttpPeers peers;
  static final List<ILoggingEvent> LOGGED = new java.util.concurrent.CopyOnWriteArrayList<>();
  static AppenderBase<ILoggingEvent> logs;

  MutableClock clock;
  BackupOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = new MockCluster();
    client = cluster.client();
    cluster.secret(NS, "pg-backup", Map.of("password", "s3cret"));
    peers = new HttpPeers();
    logs =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent e) {
            LOGGED.add(e);
          }
        };
    logs.start();
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    peers.close();
    cluster.close();
  }

  @BeforeEach
  void startOperator() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    operator = newOperator();
  }

  @AfterEach
  void stopOperatorAndCheckNoSecretLeaked() {
    operator.close();
    for (ILoggingEvent e : LOGGED) {
      String line =
          e.getFormattedMessage()
              + (e.getKeyValuePairs() == null ? "" : e.getKeyValuePairs().toString())
              + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
      for (String secret : SECRETS) {
        assertThat(line).as("log line").doesNotContain(secret);
      }
    }
    for (Event e : client.v1().events().inNamespace(NS).list().getItems()) {
      for (String secret : SECRETS) {
        assertThat(e.getMessage()).as("Event " + e.getReason()).doesNotContain(secret);
      }
    }
  }

  BackupOperator newOperator() {
    return newOperator(List.of());
  }

  BackupOperator newOperator(List<io.dbbackup.api.v1alpha1.NotificationChannelSpec> defaults) {
    NotifierSettings fast =
        new NotifierSettings(
            Duration.ofMillis(500),
            2,
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            4,
            URI.create(peers.url("/pd")),
            null);
    ControllerConfig config =
        TestConfig.config()
            .withNotifications(
                NotificationSettings.standard(defaults, "dbbackup-system")
                    .withScanInterval(Duration.ofMillis(100))
                    .withRetryFailedAfter(Duration.ofHours(1)));
    BackupOperator o =
        new BackupOperator(cluster.newClient(), config, clock, new DefaultNotifier(fast));
    o.start();
    return o;
  }

  /** A Secret holding a value that must never show up anywhere but at its peer. */
  static void secret(String name, Map<String, String> data) {
    SECRETS.addAll(
        data.values().stream()
            .map(v -> v.contains("token=") ? v.substring(v.indexOf("token=")) : v)
            .toList());
    cluster.secret(NS, name, data);
  }

  static String token() {
    return "tok-" + UUID.randomUUID().toString().replace("-", "");
  }

  static DatabaseBackup backupWith(String name, String notifications) {
    DatabaseBackup b = Fixtures.volumeBackup(NS, name);
    DatabaseBackup n =
        Serialization.unmarshal(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseBackup
            metadata: {name: x}
            spec:
              notifications:
            %s
            """
                .formatted(notifications.indent(4)),
            DatabaseBackup.class);
    b.getSpec().setNotifications(n.getSpec().getNotifications());
    return cluster.create(b);
  }

  /** A webhook channel named {@code channel} posting to {@code /<resource>/<channel>}. */
  static String webhook(String resource, String channel, String events) {
    String secret = resource + "-" + channel;
    String key = token();
    SIGNING_KEYS.put(secret, key);
    secret(
        secret,
        Map.of("url", peers.url("/" + resource + "/" + channel) + "?token=" + token(), "key", key));
    return """
        - name: %s
          %s
          webhook: {urlSecretRef: {name: %s, key: url}, signingKeySecretRef: {name: %s, key: key}}
        """
        .formatted(channel, events == null ? "" : "events: " + events, secret, secret);
  }

  static DatabaseBackup backup(String name) {
    return client.resources(DatabaseBackup.class).inNamespace(NS).withName(name).get();
  }

  static void awaitReady(String name) {
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(
                                backup(name).getStatus().getConditions(),
                                DatabaseBackupStatus.CONDITION_READY)
                            .orElseThrow()
                            .getStatus())
                    .isEqualTo("True"));
  }

  BackupRecord run(String id, BackupPhase phase, Integer exitCode, String message) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setStartTime(clock.instant().minusSeconds(40).toString());
    r.setCompletionTime(clock.instant().toString());
    r.setDurationSeconds(40L);
    r.setExitCode(exitCode);
    r.setMessage(message);
    if (phase == BackupPhase.Succeeded) {
      r.setStoredBytes(1000L);
      r.setLocation("/backup/database/shop/x/" + id);
    }
    return r;
  }

  static void runnerReports(String name, BackupRecord run) {
    new StatusPatcher(cluster.newClient())
        .patch(NS, name, StatusPart.RUNNER, s -> RunnerStatus.record(s, run, Instant.now()));
  }

  static List<String> events(String path) {
    return peers.at(path).stream().map(r -> r.header("X-Dbbackup-Event")).toList();
  }

  static List<JsonNode> pd(String resource) {
    return peers.at("/pd").stream()
        .map(r -> read(r.body()))
        .filter(
            n -> n.path("dedup_key").asText().startsWith("dbbackup/" + NS + "/" + resource + "/"))
        .toList();
  }

  static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  static List<NotificationRecord> records(String name) {
    return backup(name).getStatus().getNotifications();
  }

  static List<Event> warnings(String involved, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  static String hmac(String key, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aReportedFailureReachesEachSubscribedChannelOnceNotAgainAfterARestartThenRecovers()
      throws Exception {
    String res = "orders-db";
    String routingKey = token();
    secret(res + "-pd", Map.of("routingKey", routingKey));
    backupWith(
        res,
        """
        channels:
        %s%s%s
        """
            .formatted(
                webhook(res, "hook", null),
                webhook(res, "ok-chat", "[BackupSucceeded]"),
                """
                - name: oncall
                  events: [BackupFailed]
                  pagerDuty: {routingKeySecretRef: {name: %s-pd, key: routingKey}}
                """
                    .formatted(res)));
    awaitReady(res);

    runnerReports(
        res,
        run(
            "20261124T020000Z-f001",
            BackupPhase.Failed,
            3,
            "database unreachable after 1 attempt(s): connection refused"));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              assertThat(events("/" + res + "/hook")).containsExactly("BackupFailed");
              assertThat(pd(res)).hasSize(1);
              assertThat(records(res))
                  .extracting(r -> r.getChannel() + " " + r.getKey() + " " + r.getResult())
                  .contains(
                      "hook BackupFailed/20261124T020000Z-f001 Sent",
                      "oncall BackupFailed/20261124T020000Z-f001 Sent");
            });
    HttpPeers.Request hook = peers.at("/" + res + "/hook").getFirst();
    JsonNode body = read(hook.body());
    assertThat(body.path("event").asText()).isEqualTo("BackupFailed");
    assertThat(body.path("severity").asText()).isEqualTo("critical");
    assertThat(body.path("resource").path("name").asText()).isEqualTo(res);
    assertThat(body.path("resource").path("uid").asText())
        .isEqualTo(backup(res).getMetadata().getUid());
    assertThat(body.path("backupId").asText()).isEqualTo("20261124T020000Z-f001");
    assertThat(body.path("details").path("exitCode").asInt()).isEqualTo(3);
    assertThat(body.path("details").path("reason").asText()).isEqualTo("DatabaseUnreachable");
    String signingKey = SIGNING_KEYS.get(res + "-hook");
    assertThat(hook.header("X-Dbbackup-Signature")).isEqualTo(hmac(signingKey, hook.body()));
    JsonNode trigger = pd(res).getFirst();
    assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
    assertThat(trigger.path("dedup_key").asText())
        .isEqualTo("dbbackup/shop/" + res + "/BackupFailed");
    assertThat(trigger.path("routing_key").asText()).isEqualTo(routingKey);
    assertThat(trigger.path("payload").toString()).doesNotContain(routingKey);
    assertThat(events("/" + res + "/ok-chat")).isEmpty();

    // A restart (or a new leader) reads status.notifications and sends nothing again.
    operator.close();
    operator = newOperator();
    TestConfig.eventually()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(events("/" + res + "/hook")).containsExactly("BackupFailed");
              assertThat(pd(res)).hasSize(1);
            });

    // The next good run: one BackupRecovered, PagerDuty's incident resolved, the success to the
    // channel that asked for successes only.
    clock.advance(Duration.ofHours(1));
    runnerReports(res, run("20261124T030000Z-5001", BackupPhase.Succeeded, 0, null));
    TestConfig.eventually()
        .untilAsserted(
            () -> {
              assertThat(events("/" + res + "/hook"))
                  .containsExactly("BackupFailed", "BackupRecovered");
              assertThat(events("/" + res + "/ok-chat")).containsExactly("BackupSucceeded");
              assertThat(pd(res))
                  .filteredOn(n -> n.path("event_action").asText().equals("resolve"))
                  .extracting(n -> n.path("dedup_key").asText())
                  .contains("dbbackup/shop/" + res + "/BackupFailed");
            });
    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(events("/" + res + "/hook"))
                  .containsExactly("BackupFailed", "BackupRecovered");
              assertThat(
                      pd(res).stream()
                          .filter(n -> n.path("event_action").asText().equals("trigger"))
                          .count())
                  .isEqualTo(1);
            });
    // The runner's part of the status is untouched by the controller's records.
    DatabaseBackupStatus s = backup(res).getStatus();
    assertThat(s.getLastBackup().getId()).isEqualTo("20261124T030000Z-5001");
    assertThat(s.getRecentBackups()).hasSize(2);
    // No secret in any message but where it belongs (the routing key in PagerDuty's field).
    for (HttpPeers.Request r : peers.all()) {
      String text = r.path().equals("/pd") ? read(r.body()).path("payload").toString() : r.body();
      for (String secret : SECRETS) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  @Test
  void aJobThatFailedWithoutAReportIsABackupFailed() {
    String res = "oom-db";
    backupWith(res, "channels:\n" + webhook(res, "hook", "[BackupFailed]"));
    awaitReady(res);
    FakeWorkloads cron = new FakeWorkloads(client);
    Job job =
        cron.fire(
            client.batch().v1().cronjobs().inNamespace(NS).withName(res + "-backup").get(),
            clock.instant().minusSeconds(120));
    cron.fail(
        job,
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        clock.instant());

    TestConfig.eventually()
        .untilAsserted(
            () -> assertThat(events("/" + res + "/hook")).containsExactly("BackupFailed"));
    JsonNode body = read(peers.at("/" + res + "/hook").getFirst().body());
    assertThat(body.path("details").path("message").asText())
        .contains("without a report from the runner", "BackoffLimitExceeded");
    assertThat(body.path("details").path("job").asText()).isEqualTo(job.getMetadata().getName());
  }

  @Test
  void neverSucceededAndAStoppedScheduleAreStaleAtTheRightTimeAndRepeatedNoMoreOftenThanAsked() {
    backupWith(
        "never-db",
        "repeatMinutes: 60\nchannels:\n" + webhook("never-db", "hook", "[BackupStale]"));
    backupWith("stopped-db", "channels:\n" + webhook("stopped-db", "hook", "[BackupStale]"));
    awaitReady("never-db");
    awaitReady("stopped-db");
    runnerReports("stopped-db", run("20261124T020000Z-0k01", BackupPhase.Succeeded, 0, null));
    Instant lastGood = clock.instant();
    Instant created = Instant.parse(backup("never-db").getMetadata().getCreationTimestamp());
    // Daily at 02:00 Tokyo: 24 h apart, so stale 36 h after creation or the last success.
    Instant neverStale = created.plus(Duration.ofHours(36));
    Instant stoppedStale = lastGood.plus(Duration.ofHours(36));

    clock.set(neverStale.minusSeconds(60));
    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(events("/never-db/hook")).isEmpty();
              assertThat(events("/stopped-db/hook")).isEmpty();
            });

    clock.set(neverStale.plusSeconds(60));
    TestConfig.eventually()
        .untilAsserted(() -> assertThat(events("/never-db/hook")).containsExactly("BackupStale"));
    assertThat(read(peers.at("/never-db/hook").getFirst().body()).path("summary").asText())
        .contains("since the resource was created");
    if (stoppedStale.isAfter(neverStale.plusSeconds(60))) {
      assertThat(events("/stopped-db/hook")).isEmpty();
    }
    clock.set(stoppedStale.plusSeconds(60));
    TestConfig.eventually()
        .untilAsserted(() -> assertThat(events("/stopped-db/hook")).containsExactly("BackupStale"));
    // Recorded after the peer answered: wait for the status.
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(records("stopped-db"))
                    .extracting(NotificationRecord::getKey)
                    .contains("BackupStale/20261124T020000Z-0k01"));

    // Still stale: again after repeatMinutes (60), not before.
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(records("never-db"))
                    .extracting(NotificationRecord::getKey)
                    .contains("BackupStale/never"));
    Instant firstSent =
        Instant.parse(
            records("never-db").stream()
                .filter(r -> r.getKey().equals("BackupStale/never"))
                .findFirst()
                .orElseThrow()
                .getSentAt());
    clock.set(firstSent.plus(Duration.ofMinutes(59)));
    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(events("/never-db/hook")).hasSize(1));
    clock.set(firstSent.plus(Duration.ofMinutes(61)));
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(events("/never-db/hook")).containsExactly("BackupStale", "BackupStale"));
  }

  @Test
  void aDeadChannelAndAMissingSecretStopNobodyElseAndAreReportedAndCounted() throws Exception {
    String res = "flaky-db";
    String dead = "dead-" + res;
    secret(dead, Map.of("url", peers.url("/dead/" + res) + "?token=" + token()));
    backupWith(
        res,
        """
        channels:
        - name: dead
          webhook: {urlSecretRef: {name: %s, key: url}}
        - name: gone
          webhook: {urlSecretRef: {name: no-such-secret, key: url}}
        %s
        """
            .formatted(dead, webhook(res, "good", null)));
    awaitReady(res);
    runnerReports(
        res, run("20261124T020000Z-d001", BackupPhase.Failed, 5, "pg_dumpall exited with 1"));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              assertThat(events("/" + res + "/good")).containsExactly("BackupFailed");
              assertThat(warnings(res, "NotificationFailed"))
                  .extracting(Event::getMessage)
                  .anySatisfy(m -> assertThat(m).contains("channel dead", "BackupFailed"))
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains(
                                  "channel gone", "BackupFailed", "no-such-secret", "not found"));
              assertThat(records(res))
                  .extracting(r -> r.getChannel() + " " + r.getResult())
                  .contains("good Sent", "dead Failed", "gone Failed");
            });
    assertThat(peers.at("/dead/" + res)).hasSize(2); // the notifier's two attempts
    try (HttpEndpoints http =
        new HttpEndpoints(0, operator.registry(), operator::healthy, operator::ready)) {
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains(
              "dbbackup_notifications_total{channel=\"dead\",event=\"BackupFailed\",result=\"failed\"} 1.0",
              "dbbackup_notifications_total{channel=\"gone\",event=\"BackupFailed\",result=\"failed\"} 1.0",
              "dbbackup_notifications_total{channel=\"good\",event=\"BackupFailed\",result=\"sent\"} 1.0");
    }
    // The backups go on: the resource stays Ready and its CronJob in place.
    awaitReady(res);
    assertThat(client.batch().v1().cronjobs().inNamespace(NS).withName(res + "-backup").get())
        .isNotNull();
  }

  @Test
  void aFailedRestoreIsARestoreFailedToItsBackupsChannels() {
    String res = "restored-db";
    cluster.secret(NS, "pg-restore", Map.of("password", "t4rget"));
    backupWith(res, "channels:\n" + webhook(res, "hook", null));
    awaitReady(res);
    DatabaseRestore restore =
        client
            .resource(
                Serialization.unmarshal(
                    """
                    apiVersion: dbbackup.io/v1alpha1
                    kind: DatabaseRestore
                    metadata: {name: restored-db-restore, namespace: %s}
                    spec:
                      backupRef: {name: %s}
                      backupId: latest
                      target:
                        host: pg-restore.shop.svc
                        port: 5432
                        user: postgres
                        passwordSecretRef: {name: pg-restore, key: password}
                    """
                        .formatted(NS, res),
                    DatabaseRestore.class))
            .create();
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .batch()
                            .v1()
                            .jobs()
                            .inNamespace(NS)
                            .withName("restored-db-restore-restore")
                            .get())
                    .isNotNull());
    Instant end = clock.instant();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName("restored-db-restore-restore")
        .editStatus(
            j -> {
              var s = new io.fabric8.kubernetes.api.model.batch.v1.JobStatus();
              s.setStartTime(end.minusSeconds(60).toString());
              s.setActive(0);
              s.setConditions(
                  List.of(
                      new JobConditionBuilder()
                          .withType("Failed")
                          .withStatus("True")
                          .withReason("DeadlineExceeded")
                          .withMessage("Job was active longer than specified deadline")
                          .withLastTransitionTime(end.toString())
                          .build()));
              j.setStatus(s);
              return j;
            });

    TestConfig.eventually()
        .untilAsserted(
            () -> assertThat(events("/" + res + "/hook")).containsExactly("RestoreFailed"));
    JsonNode body = read(peers.at("/" + res + "/hook").getFirst().body());
    assertThat(body.path("resource").path("kind").asText()).isEqualTo("DatabaseRestore");
    assertThat(body.path("resource").path("name").asText()).isEqualTo("restored-db-restore");
    assertThat(body.path("details").path("backup").asText()).isEqualTo(res);
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(records(res))
                    .extracting(NotificationRecord::getKey)
                    .contains("RestoreFailed/" + restore.getMetadata().getUid()));
    // Seen again after a restart: not sent again.
    operator.close();
    operator = newOperator();
    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(events("/" + res + "/hook")).hasSize(1));
  }

  @Test
  void theChartsDefaultChannelsGetEveryResourcesEventsUnlessItOptsOut(@TempDir Path dir)
      throws Exception {
    String token = token();
    SECRETS.add(token);
    cluster.secret(
        "dbbackup-system",
        "ops-hook",
        Map.of("url", peers.url("/defaults/ops") + "?token=" + token));
    Path file = dir.resolve("default-channels.json");
    Files.writeString(
        file,
        """
        [{"name": "ops", "events": ["BackupFailed"],
          "webhook": {"urlSecretRef": {"name": "ops-hook", "key": "url"}}}]
        """);
    operator.close();
    operator = newOperator(NotificationSettings.readDefaults(file));

    cluster.create(Fixtures.volumeBackup(NS, "plain-db"));
    backupWith("own-db", "useDefaults: false\nchannels:\n" + webhook("own-db", "hook", null));
    awaitReady("plain-db");
    awaitReady("own-db");
    runnerReports("plain-db", run("20261124T020000Z-aa01", BackupPhase.Failed, 5, "dump failed"));
    runnerReports("own-db", run("20261124T020000Z-bb01", BackupPhase.Failed, 5, "dump failed"));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              assertThat(events("/own-db/hook")).containsExactly("BackupFailed");
              assertThat(defaultsAbout("plain-db")).containsExactly("BackupFailed");
              assertThat(records("plain-db"))
                  .extracting(r -> r.getChannel() + " " + r.getResult())
                  .containsExactly("defaults/ops Sent");
            });
    TestConfig.eventually()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(defaultsAbout("own-db")).isEmpty());
    assertThat(
            operator.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("dbbackup_notifications"))
                .flatMap(m -> m.getDataPoints().stream())
                .map(d -> d.getLabels().get("channel") + " " + d.getLabels().get("result")))
        .contains("defaults/ops sent");
  }

  /** The events the default channel got about {@code resource}. */
  static List<String> defaultsAbout(String resource) {
    return peers.at("/defaults/ops").stream()
        .map(r -> read(r.body()))
        .filter(n -> n.path("resource").path("name").asText().equals(resource))
        .map(n -> n.path("event").asText())
        .toList();
  }
}
