package io.dbbackup.controller.jobs;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds backup Jobs that failed without the runner reporting it (the pod was killed, ran out of
 * memory, or hit the deadline) and turns each into a Failed {@link BackupRecord}, to be written
 * with the runner's own helper. Pure.
 */
public final class UnreportedJobFailures {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private UnreportedJobFailures() {}

  /**
   * Records for the failed Jobs the status does not account for, oldest first. A Job is accounted
   * for when a terminal record names it, or when the status already holds a run that started after
   * it (the Job is older history).
   */
  public static List<BackupRecord> find(DatabaseBackupStatus status, Collection<Job> jobs) {
    List<BackupRecord> records = new ArrayList<>();
    jobs.stream()
        .filter(j -> failedCondition(j).isPresent())
        .filter(j -> !accountedFor(status, j))
        .sorted(Comparator.comparing(UnreportedJobFailures::started))
        .forEach(j -> records.add(record(status, j)));
    return records;
  }

  static boolean accountedFor(DatabaseBackupStatus status, Job job) {
    if (status == null) {
      return false;
    }
    String name = job.getMetadata().getName();
    boolean reported =
        runs(status)
            .anyMatch(
                r ->
                    name.equals(r.getJobName())
                        && r.getPhase() != null
                        && r.getPhase().isTerminal());
    if (reported) {
      return true;
    }
    BackupRecord last = status.getLastBackup();
    if (last == null || name.equals(last.getJobName()) || last.getStartTime() == null) {
      return false;
    }
    return parse(last.getStartTime()).map(t -> t.isAfter(started(job))).orElse(false);
  }

  private static BackupRecord record(DatabaseBackupStatus status, Job job) {
    String name = job.getMetadata().getName();
    JobCondition failed = failedCondition(job).orElseThrow();
    Instant start = started(job);
    Optional<BackupRecord> running =
        status == null
            ? Optional.empty()
            : runs(status).filter(r -> name.equals(r.getJobName())).findFirst();
    BackupRecord r = new BackupRecord();
    r.setId(running.map(BackupRecord::getId).orElseGet(() -> idFor(start, job)));
    r.setPhase(BackupPhase.Failed);
    r.setStartTime(running.map(BackupRecord::getStartTime).orElse(start.toString()));
    r.setJobName(name);
    Optional<Instant> end = parse(failed.getLastTransitionTime());
    end.ifPresent(e -> r.setCompletionTime(e.toString()));
    end.ifPresent(e -> r.setDurationSeconds(Math.max(0, Duration.between(start, e).toSeconds())));
    r.setMessage(
        "Job "
            + name
            + " failed without a report from the runner ("
            + Objects.requireNonNullElse(failed.getReason(), "Failed")
            + (failed.getMessage() == null ? "" : ": " + failed.getMessage())
            + "); the pod may have been killed, run out of memory or hit the deadline");
    return r;
  }

  static Optional<JobCondition> failedCondition(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  static Instant started(Job job) {
    String start = job.getStatus() == null ? null : job.getStatus().getStartTime();
    return parse(start)
        .or(() -> parse(job.getMetadata().getCreationTimestamp()))
        .orElse(Instant.EPOCH);
  }

  private static String idFor(Instant start, Job job) {
    String seed =
        Objects.requireNonNullElse(job.getMetadata().getUid(), job.getMetadata().getName());
    return ID_TIME.format(start) + "-" + HexFormat.of().toHexDigits(seed.hashCode()).substring(4);
  }

  private static Stream<BackupRecord> runs(DatabaseBackupStatus status) {
    Stream<BackupRecord> recent =
        status.getRecentBackups() == null ? Stream.empty() : status.getRecentBackups().stream();
    return Stream.concat(Stream.ofNullable(status.getLastBackup()), recent);
  }

  private static Optional<Instant> parse(String time) {
    try {
      return time == null ? Optional.empty() : Optional.of(Instant.parse(time));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
