package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.metrics.BackupMetrics;
import io.dbbackup.controller.metrics.RunCounter;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts: they read only series the controller exports, and Prometheus' own rule
 * checker and unit-test runner (promtool) agree that they parse and fire exactly where they should.
 */
class PrometheusRulesTest {
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  static JsonNode renderedRule() {
    return Chart.render(
            Chart.values(
                "metrics.prometheusRule.enabled",
                true,
                "metrics.prometheusRule.alertLabels.team",
                "dba"))
        .one("PrometheusRule");
  }

  @Test
  void everySeriesTheAlertsReadIsOneTheControllerExports() {
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("\\bdbbackup_[a-z_]+").matcher(renderedRule().toString());
    while (m.find()) {
      used.add(m.group());
    }
    assertThat(used)
        .containsExactlyInAnyOrder(
            "dbbackup_last_failure_timestamp_seconds",
            "dbbackup_last_success_timestamp_seconds",
            "dbbackup_expected_interval_seconds",
            "dbbackup_next_schedule_timestamp_seconds",
            "dbbackup_last_stored_bytes",
            "dbbackup_previous_stored_bytes",
            "dbbackup_last_duration_seconds",
            "dbbackup_timeout_seconds",
            "dbbackup_runs_total",
            "dbbackup_notifications_total");
    assertThat(exported()).containsAll(used);
  }

  /** The series names the controller's /metrics shows for a resource with two finished runs. */
  static Set<String> exported() {
    DatabaseBackup backup = new DatabaseBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName("orders-db").withNamespace("shop").build());
    backup.setSpec(new DatabaseBackupSpec());
    backup.getSpec().setSchedule("0 2 * * *");
    backup.setStatus(new DatabaseBackupStatus());
    backup.getStatus().setNextScheduleTime("2026-11-25T02:00:00Z");
    RunCounter runs = new RunCounter();
    runs.observe(backup);
    RunnerStatus.record(backup.getStatus(), run("a", BackupPhase.Succeeded), NOW);
    RunnerStatus.record(backup.getStatus(), run("b", BackupPhase.Failed), NOW);
    runs.observe(backup);
    RunnerStatus.record(backup.getStatus(), run("c", BackupPhase.Succeeded), NOW);
    runs.observe(backup);
    BackupMetrics metrics = new BackupMetrics(runs, Clock.fixed(NOW, ZoneOffset.UTC));
    metrics.notifications().count("oncall", "BackupFailed", "failed");
    metrics.readFrom(() -> List.of(backup));
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(metrics);
    Set<String> names = new TreeSet<>();
    registry
        .scrape()
        .forEach(
            s -> {
              if (!s.getDataPoints().isEmpty()) {
                String name = s.getMetadata().getName();
                names.add(s instanceof CounterSnapshot ? name + "_total" : name);
              }
            });
    return names;
  }

  static BackupRecord run(String id, BackupPhase phase) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setStartTime(NOW.minusSeconds(600).toString());
    r.setCompletionTime(NOW.toString());
    r.setDurationSeconds(600L);
    r.setStoredBytes(phase == BackupPhase.Succeeded ? 1_000L : null);
    return r;
  }

  @Test
  void promtoolChecksTheRulesAndItsUnitTestsPass(@TempDir Path dir) throws Exception {
    Optional<Path> promtool = promtool();
    assumeTrue(
        promtool.isPresent(),
        "promtool not found (PATH or $PROMTOOL): the alert unit tests are skipped; `make deps`"
            + " installs it from Debian's prometheus package");
    ObjectNode rules = Chart.YAML.createObjectNode();
    rules.set("groups", renderedRule().at("/spec/groups"));
    Chart.YAML.writeValue(dir.resolve("rules.yaml").toFile(), rules);
    try (InputStream in = getClass().getResourceAsStream("/prometheus-rules-test.yaml")) {
      Files.copy(in, dir.resolve("tests.yaml"));
    }
    Result check = run(dir, promtool.get().toString(), "check", "rules", "rules.yaml");
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 6 rules found");
    Result test = run(dir, promtool.get().toString(), "test", "rules", "tests.yaml");
    assertThat(test.exit()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), out);
  }

  static Optional<Path> promtool() {
    String env = System.getenv("PROMTOOL");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .map(d -> Path.of(d, "promtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
