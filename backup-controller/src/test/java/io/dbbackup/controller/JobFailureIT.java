package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** A Job that failed without the runner reporting (killed, OOM, deadline) is recorded as Failed. */
class JobFailureIT extends ControllerTestBase {
  static final Instant FIRED = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

  static BackupRecord run(String id, BackupPhase phase, String jobName) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setJobName(jobName);
    r.setStartTime(FIRED.plusSeconds(5).toString());
    return r;
  }

  static void runnerReports(String name, BackupRecord run) {
    new StatusPatcher(cluster.newClient())
        .patch(NS, name, StatusPart.RUNNER, s -> RunnerStatus.record(s, run, Instant.now()));
  }

  @Test
  void failedJobWithoutRunnerReportMakesLastBackupSucceededFalse() {
    cluster.create(Fixtures.volumeBackup(NS, "oom-db"));
    awaitReady("oom-db", "True");
    FakeWorkloads cron = new FakeWorkloads(client);
    Job job = cron.fire(cronJob("oom-db"), FIRED);
    cron.fail(
        job,
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        FIRED.plusSeconds(90));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              DatabaseBackup b = backup("oom-db");
              var condition = condition(b, DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED);
              assertThat(condition.getStatus()).isEqualTo("False");
              assertThat(condition.getMessage())
                  .contains("without a report from the runner", "BackoffLimitExceeded");
              BackupRecord last = b.getStatus().getLastBackup();
              assertThat(last.getPhase()).isEqualTo(BackupPhase.Failed);
              assertThat(last.getJobName()).isEqualTo(job.getMetadata().getName());
              assertThat(last.getDurationSeconds()).isEqualTo(90L);
              assertThat(b.getStatus().getLastScheduleTime()).isEqualTo(FIRED.toString());
            });
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackupJobFailed"));
    // Recorded once, not again on every reconcile.
    edit(
        "oom-db",
        b -> {
          b.getSpec().setRetries(1);
          return b;
        });
    awaitReady("oom-db", "True");
    assertThat(backup("oom-db").getStatus().getRecentBackups()).hasSize(1);
  }

  @Test
  void runningRecordOfAKilledRunnerIsTurnedIntoFailedUnderItsOwnId() {
    cluster.create(Fixtures.volumeBackup(NS, "killed-db"));
    awaitReady("killed-db", "True");
    FakeWorkloads cron = new FakeWorkloads(client);
    Job job = cron.fire(cronJob("killed-db"), FIRED);
    runnerReports(
        "killed-db",
        run("20261124T020005Z-aaaa", BackupPhase.Running, job.getMetadata().getName()));
    cron.fail(
        job,
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
        FIRED.plusSeconds(7200));

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              DatabaseBackupStatus s = backup("killed-db").getStatus();
              assertThat(s.getRecentBackups()).hasSize(1);
              assertThat(s.getLastBackup().getId()).isEqualTo("20261124T020005Z-aaaa");
              assertThat(s.getLastBackup().getPhase()).isEqualTo(BackupPhase.Failed);
              assertThat(s.getLastBackup().getMessage()).contains("DeadlineExceeded");
            });
  }

  @Test
  void aFailureTheRunnerReportedIsNotOverwritten() throws Exception {
    cluster.create(Fixtures.volumeBackup(NS, "reported-db"));
    awaitReady("reported-db", "True");
    FakeWorkloads cron = new FakeWorkloads(client);
    Job job = cron.fire(cronJob("reported-db"), FIRED);
    BackupRecord failed =
        run("20261124T020005Z-bbbb", BackupPhase.Failed, job.getMetadata().getName());
    failed.setExitCode(5);
    failed.setMessage("pg_dumpall exited with 1");
    runnerReports("reported-db", failed);
    cron.fail(
        job,
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        FIRED.plusSeconds(60));

    TestConfig.eventually()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              DatabaseBackupStatus s = backup("reported-db").getStatus();
              assertThat(s.getRecentBackups()).hasSize(1);
              assertThat(s.getLastBackup().getExitCode()).isEqualTo(5);
              assertThat(
                      condition(
                              backup("reported-db"),
                              DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED)
                          .getReason())
                  .isEqualTo("DumpFailed");
            });
  }
}
