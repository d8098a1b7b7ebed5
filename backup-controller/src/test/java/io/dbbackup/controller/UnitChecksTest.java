package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.dependent.HashedDependent;
import io.dbbackup.controller.jobs.OnDemandRun;
import io.dbbackup.controller.jobs.UnreportedJobFailures;
import io.dbbackup.controller.metrics.RunCounter;
import io.dbbackup.controller.status.ScheduleTimes;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Small pure pieces: schedule times, unreported failures, the run counter, names, config. */
class UnitChecksTest {
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  static Job failedJob(String name, String started) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid("uid-" + name)
        .endMetadata()
        .withNewStatus()
        .withStartTime(started)
        .addNewCondition()
        .withType("Failed")
        .withStatus("True")
        .withReason("BackoffLimitExceeded")
        .withLastTransitionTime("2026-11-24T02:05:00Z")
        .endCondition()
        .endStatus()
        .build();
  }

  static BackupRecord record(String id, BackupPhase phase, String job, String start) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setJobName(job);
    r.setStartTime(start);
    return r;
  }

  @Test
  void nextScheduleTimeIsReadInTheSpecsTimeZone() {
    var spec = Fixtures.volumeBackup("shop", "db").getSpec(); // 0 2 * * * Asia/Tokyo
    assertThat(ScheduleTimes.next(spec, NOW)).contains(Instant.parse("2026-11-24T17:00:00Z"));
    spec.setSchedule("0 3 * * 1");
    assertThat(ScheduleTimes.expectedInterval(spec, NOW)).contains(Duration.ofDays(7));
    spec.setSuspend(true);
    assertThat(ScheduleTimes.next(spec, NOW)).isEmpty();
  }

  @Test
  void theExpectedIntervalOfAnIrregularScheduleCoversItsLongGapBothSides() {
    var spec = Fixtures.volumeBackup("shop", "db").getSpec();
    spec.setTimeZone("UTC");
    spec.setSchedule("0 2 * * 1-5"); // weekdays at 02:00
    Duration weekend = Duration.ofDays(3);
    // Monday before and after its run: Friday's backup is not "too old" at 1.5 x 24 h.
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-23T01:00:00Z")))
        .contains(weekend);
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-23T03:00:00Z")))
        .contains(weekend);
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-23T02:00:00Z")))
        .contains(weekend);
    // From Tuesday's run on, a day again.
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-24T03:00:00Z")))
        .contains(Duration.ofDays(1));
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Duration.ofDays(1));
    spec.setSchedule("0 2 * * *");
    assertThat(ScheduleTimes.expectedInterval(spec, Instant.parse("2026-11-23T02:00:00Z")))
        .contains(Duration.ofDays(1));
  }

  @Test
  void unreportedFailuresSkipReportedAndOlderJobs() {
    DatabaseBackupStatus status = new DatabaseBackupStatus();
    RunnerStatus.record(
        status, record("r1", BackupPhase.Failed, "job-reported", "2026-11-23T02:00:00Z"), NOW);
    RunnerStatus.record(
        status, record("r2", BackupPhase.Succeeded, "job-new", "2026-11-24T02:00:00Z"), NOW);
    List<BackupRecord> found =
        UnreportedJobFailures.find(
            status,
            List.of(
                failedJob("job-reported", "2026-11-23T02:00:00Z"),
                failedJob("job-older", "2026-11-20T02:00:00Z"),
                failedJob("job-lost", "2026-11-24T03:00:00Z")));
    assertThat(found).extracting(BackupRecord::getJobName).containsExactly("job-lost");
    assertThat(found.getFirst().getId()).startsWith("20261124T030000Z-");
    assertThat(found.getFirst().getPhase()).isEqualTo(BackupPhase.Failed);
  }

  @Test
  void runCounterCountsEachFinishedRunOnceAndNotWhatItFindsAtStart() {
    RunCounter counter = new RunCounter();
    var backup = Fixtures.volumeBackup("shop", "db");
    backup.setStatus(new DatabaseBackupStatus());
    RunnerStatus.record(backup.getStatus(), record("old", BackupPhase.Succeeded, null, null), NOW);
    counter.observe(backup); // first sight: remembered, not counted
    counter.observe(backup);
    RunnerStatus.record(backup.getStatus(), record("new", BackupPhase.Running, null, null), NOW);
    counter.observe(backup);
    RunnerStatus.record(backup.getStatus(), record("new", BackupPhase.Failed, null, null), NOW);
    counter.observe(backup);
    counter.observe(backup);
    var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
    var metrics =
        new io.dbbackup.controller.metrics.BackupMetrics(counter, java.time.Clock.systemUTC());
    metrics.readFrom(() -> List.of(backup));
    registry.register(metrics);
    var runs =
        registry.scrape().stream()
            .filter(m -> m.getMetadata().getName().equals("dbbackup_runs"))
            .findFirst()
            .orElseThrow();
    assertThat(runs.getDataPoints()).hasSize(1);
    assertThat(runs.getDataPoints().getFirst().getLabels().get("result")).isEqualTo("failed");
  }

  @Test
  void desiredHashSeesARemovedField() {
    var withZone = Fixtures.volumeBackup("shop", "db");
    var withoutZone = Fixtures.volumeBackup("shop", "db");
    withoutZone.getSpec().setTimeZone(null);
    var cron = new RunnerPodTemplateTest.TestableCronJob();
    assertThat(HashedDependentHash.of(cron.desiredFor(withZone)))
        .isNotEqualTo(HashedDependentHash.of(cron.desiredFor(withoutZone)));
  }

  @Test
  void onDemandJobNamesFitTheLabelLimitAndDifferPerValue() {
    String cronJob = "x".repeat(BackupNames.MAX_NAME_LENGTH) + "-backup";
    assertThat(OnDemandRun.jobName(cronJob, "a"))
        .hasSize(63)
        .isNotEqualTo(OnDemandRun.jobName(cronJob, "b"));
  }

  @Test
  void configFromEnvironment() {
    ControllerConfig config =
        ControllerConfig.fromEnvironment(
            Map.of(
                "DBBACKUP_RUNNER_IMAGE", "reg/runner:9",
                "DBBACKUP_WATCH_NAMESPACES", "a, b,,",
                "DBBACKUP_LEADER_ELECTION", "true",
                "POD_NAMESPACE", "ops"));
    assertThat(config.runnerImage()).isEqualTo("reg/runner:9");
    assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("a", "b");
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseNamespace()).isEqualTo("ops");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(ControllerConfig.fromEnvironment(Map.of()).runnerImage())
        .isEqualTo(ControllerConfig.DEFAULT_RUNNER_IMAGE);
  }

  /** The hash HashedDependent would annotate a child with. */
  static final class HashedDependentHash {
    static String of(io.fabric8.kubernetes.api.model.HasMetadata child) {
      return HashedDependent.hash(child);
    }
  }
}
