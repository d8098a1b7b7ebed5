package io.dbbackup.controller.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class RestoreOutcomeTest {
  static Job job(String type, String reason, String message) {
    return new JobBuilder()
        .withNewStatus()
        .withCompletionTime("2026-11-24T04:00:00Z")
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }

  static Optional<Pod> pod(int exitCode, String reason, String message) {
    return Optional.of(terminated(exitCode, reason, message).build());
  }

  /** A pod whose restore container ended so, as the kubelet reports it. */
  public static PodBuilder terminated(int exitCode, String reason, String message) {
    return new PodBuilder()
        .withNewStatus()
        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .addNewContainerStatus()
        .withName("restore")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus();
  }

  @Test
  void withoutTheRunnersJsonTheEndOfItsLogSpeaks() {
    // FallbackToLogsOnError: the log tail, whose last runner line is its stderr summary.
    String tail =
        """
        ts=2026-11-24T03:01:00Z level=INFO event=verify_start msg="verifying"
        ts=2026-11-24T03:01:02Z level=ERROR event=command_failed exit_code=2 msg="spec.overwrite..."
        backup-runner: spec.overwrite: the target is not empty (databases shop); set true
        """;
    RestoreOutcome o =
        RestoreOutcome.of(job("Failed", "BackoffLimitExceeded", "x"), pod(2, "Error", tail));
    assertThat(o.succeeded()).isFalse();
    assertThat(o.reason()).isEqualTo("InvalidConfig");
    assertThat(o.message())
        .isEqualTo(
            "spec.overwrite: the target is not empty (databases shop); set true (exit code 2)");
    assertThat(RestoreOutcome.lastLine("first\n  last line  \n\n")).contains("last line");
  }

  @Test
  void anUnknownExitCodeIsARestoreFailure() {
    RestoreOutcome o =
        RestoreOutcome.of(
            job("Failed", "BackoffLimitExceeded", "x"),
            pod(1, "Error", "{\"exitCode\":1,\"message\":\"psql reported 3 SQL errors\"}"));
    assertThat(o.reason()).isEqualTo("RestoreFailed");
    assertThat(o.message()).isEqualTo("psql reported 3 SQL errors (exit code 1)");
  }

  @Test
  void anOutOfMemoryPodPointsAtTheResources() {
    RestoreOutcome o =
        RestoreOutcome.of(job("Failed", "BackoffLimitExceeded", "x"), pod(137, "OOMKilled", ""));
    assertThat(o.reason()).isEqualTo("OOMKilled");
    assertThat(o.message()).contains("spec.runner.resources");
  }

  @Test
  void withoutAPodTheJobSaysWhy() {
    Job deadline =
        job("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
    RestoreOutcome o = RestoreOutcome.of(deadline, Optional.empty());
    assertThat(o.succeeded()).isFalse();
    assertThat(o.reason()).isEqualTo("DeadlineExceeded");
    assertThat(o.message()).isEqualTo("Job was active longer than specified deadline");
    assertThat(RestoreOutcome.jobEnded(deadline)).contains("2026-11-24T04:00:00Z");
    assertThat(
            RestoreOutcome.jobEnded(
                new JobBuilder().withNewStatus().withActive(1).endStatus().build()))
        .isEmpty();
  }

  @Test
  void aCompletedJobIsASuccessEvenWithoutAMessage() {
    RestoreOutcome o = RestoreOutcome.of(job("Complete", null, null), Optional.empty());
    assertThat(o.succeeded()).isTrue();
    assertThat(o.message()).isEqualTo("the restore Job completed");
    assertThat(o.backupId()).isNull();
  }
}
