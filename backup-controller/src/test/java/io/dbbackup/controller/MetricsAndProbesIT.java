package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.controller.http.HttpEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /metrics} follows the status the runner writes; {@code /healthz} and {@code /readyz}. */
class MetricsAndProbesIT extends ControllerTestBase {
  static HttpEndpoints http;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startHttp() throws Exception {
    http = new HttpEndpoints(0, operator.registry(), operator::healthy, operator::ready);
  }

  @AfterAll
  static void stopHttp() {
    http.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static BackupRecord run(
      String id, BackupPhase phase, String completion, long seconds, Long stored) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setCompletionTime(completion);
    r.setDurationSeconds(seconds);
    r.setStoredBytes(stored);
    return r;
  }

  @Test
  void metricsAreDerivedFromTheStatusAndCountRuns() throws Exception {
    cluster.create(Fixtures.volumeBackup(NS, "metered-db"));
    awaitReady("metered-db", "True");
    StatusPatcher runner = new StatusPatcher(cluster.newClient());
    runner.patch(
        NS,
        "metered-db",
        StatusPart.RUNNER,
        s ->
            RunnerStatus.record(
                s,
                run("a", BackupPhase.Succeeded, "2026-11-24T02:10:00Z", 600, 123456L),
                Instant.now()));
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(get("/metrics").body())
                    .contains(
                        "dbbackup_runs_total{name=\"metered-db\",namespace=\"shop\",result=\"succeeded\"} 1.0"));
    runner.patch(
        NS,
        "metered-db",
        StatusPart.RUNNER,
        s ->
            RunnerStatus.record(
                s, run("b", BackupPhase.Failed, "2026-11-25T02:01:00Z", 60, null), Instant.now()));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              HttpResponse<String> response = get("/metrics");
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(response.headers().firstValue("Content-Type"))
                  .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
              String body = response.body();
              String labels = "{name=\"metered-db\",namespace=\"shop\"}";
              assertThat(body)
                  .contains("dbbackup_last_success_timestamp_seconds" + labels + " 1.7954862E9")
                  .contains("dbbackup_last_failure_timestamp_seconds" + labels + " 1.79557206E9")
                  .contains("dbbackup_last_duration_seconds" + labels + " 60.0")
                  .contains("dbbackup_last_stored_bytes" + labels + " 123456.0")
                  .contains("dbbackup_expected_interval_seconds" + labels + " 86400.0")
                  .contains("dbbackup_next_schedule_timestamp_seconds" + labels)
                  .contains(
                      "dbbackup_runs_total{name=\"metered-db\",namespace=\"shop\",result=\"succeeded\"} 1.0")
                  .contains(
                      "dbbackup_runs_total{name=\"metered-db\",namespace=\"shop\",result=\"failed\"} 1.0");
            });

    client
        .resources(io.dbbackup.api.v1alpha1.DatabaseBackup.class)
        .inNamespace(NS)
        .withName("metered-db")
        .delete();
    TestConfig.eventually()
        .untilAsserted(() -> assertThat(get("/metrics").body()).doesNotContain("metered-db"));
  }

  @Test
  void probesAnswerOk() throws Exception {
    TestConfig.eventually()
        .untilAsserted(() -> assertThat(get("/readyz").statusCode()).isEqualTo(200));
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
  }
}
