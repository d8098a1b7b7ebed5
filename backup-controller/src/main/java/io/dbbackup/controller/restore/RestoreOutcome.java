package io.dbbackup.controller.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.controller.dependent.RestoreJob;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * How a restore Job ended, in the runner's words where there are some: the container's termination
 * message is the JSON the runner wrote ({@code --result-file /dev/termination-log}), or, when the
 * runner could not write it, the end of its log (FallbackToLogsOnError). Without a pod (deleted,
 * never scheduled), the Job's own condition says why.
 *
 * @param reason a condition reason: Restored, the runner's failure class (InvalidConfig,
 *     VerificationFailed, ...), the Job's (DeadlineExceeded), or RestoreFailed
 */
public record RestoreOutcome(boolean succeeded, String reason, String message, String backupId) {
  public static final String REASON_FAILED = "RestoreFailed";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 1024;

  /** When the Job ended (its Complete or Failed condition), if it has. */
  public static Optional<String> jobEnded(Job job) {
    return endCondition(job)
        .map(
            c ->
                c.getLastTransitionTime() != null
                    ? c.getLastTransitionTime()
                    : Optional.ofNullable(job.getStatus().getCompletionTime()).orElse(""));
  }

  public static RestoreOutcome of(Job job, Optional<Pod> pod) {
    Optional<JobCondition> end = endCondition(job);
    boolean complete = end.map(c -> "Complete".equals(c.getType())).orElse(false);
    Optional<ContainerStateTerminated> terminated = pod.flatMap(RestoreOutcome::terminated);
    Optional<JsonNode> result =
        terminated.map(ContainerStateTerminated::getMessage).flatMap(RestoreOutcome::json);
    String backupId =
        result
            .filter(r -> r.hasNonNull("backupId"))
            .map(r -> r.get("backupId").asText())
            .orElse(null);
    Optional<String> runnerMessage =
        result
            .filter(r -> r.hasNonNull("message"))
            .map(r -> r.get("message").asText())
            .or(
                () ->
                    terminated
                        .map(ContainerStateTerminated::getMessage)
                        .flatMap(RestoreOutcome::lastLine));
    if (complete) {
      return new RestoreOutcome(
          true, "Restored", runnerMessage.orElse("the restore Job completed"), backupId);
    }
    Integer exitCode =
        result
            .filter(r -> r.hasNonNull("exitCode"))
            .map(r -> r.get("exitCode").asInt())
            .orElse(terminated.map(ContainerStateTerminated::getExitCode).orElse(null));
    if (terminated.map(t -> "OOMKilled".equals(t.getReason())).orElse(false)) {
      return new RestoreOutcome(
          false,
          "OOMKilled",
          "the restore pod ran out of memory (OOMKilled): raise spec.runner.resources of the"
              + " DatabaseBackup",
          backupId);
    }
    if (runnerMessage.isPresent()) {
      String reason = exitCode == null ? REASON_FAILED : reasonOf(exitCode);
      String message =
          runnerMessage.get() + (exitCode == null ? "" : " (exit code " + exitCode + ")");
      return new RestoreOutcome(false, reason, clip(message), backupId);
    }
    String reason =
        end.map(JobCondition::getReason).filter(r -> !r.isBlank()).orElse(REASON_FAILED);
    String message =
        end.map(JobCondition::getMessage)
            .filter(m -> !m.isBlank())
            .orElse("the restore Job failed without a message from the runner");
    return new RestoreOutcome(false, reason, clip(message), backupId);
  }

  private static String reasonOf(int exitCode) {
    String reason = RunnerStatus.failureReason(exitCode);
    return RunnerStatus.REASON_FAILED.equals(reason) ? REASON_FAILED : reason;
  }

  private static Optional<JobCondition> endCondition(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .filter(c -> "Complete".equals(c.getType()) || "Failed".equals(c.getType()))
        .findFirst();
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses == null) {
      return Optional.empty();
    }
    return statuses.stream()
        .filter(s -> RestoreJob.CONTAINER_NAME.equals(s.getName()))
        .findFirst()
        .flatMap(
            s ->
                Optional.ofNullable(s.getState())
                    .map(st -> st.getTerminated())
                    .or(() -> Optional.ofNullable(s.getLastState()).map(st -> st.getTerminated())));
  }

  private static Optional<JsonNode> json(String text) {
    if (text == null || !text.strip().startsWith("{")) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The runner's own last word in a log tail: its {@code backup-runner: <message>} line on stderr,
   * else the last non-blank line.
   */
  static Optional<String> lastLine(String log) {
    if (log == null || log.isBlank()) {
      return Optional.empty();
    }
    List<String> lines = log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("backup-runner: ")) {
        return Optional.of(clip(lines.get(i).substring("backup-runner: ".length())));
      }
    }
    return Optional.of(clip(lines.getLast()));
  }

  private static String clip(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
