package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunOutcome;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSupervisor;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * How a backup run that failed ends: this run's files removed (earlier backups never touched), the
 * failure recorded and reported once, with the exit code of its kind; a run stopped (timeout,
 * SIGTERM) fails with the stop's exit code, whatever failed next.
 */
final class RunFailure {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class); // the run's lines

  private final RunContext run;
  private final RunSupervisor<RunOutcome> supervisor;

  RunFailure(RunContext run, RunSupervisor<RunOutcome> supervisor) {
    this.run = run;
    this.supervisor = supervisor;
  }

  RunOutcome fail(
      RunnerException e, RunRecord record, RunRecorder recorder, BackupId id, boolean locked) {
    Deadline deadline = run.deadline();
    supervisor.cleaning();
    if (deadline.expired() && e.exitCode() != ExitCode.LOCKED) {
      // Once the run is stopped, whatever failed next is the stop's doing.
      e = deadline.timedOut();
    }
    ExitCode code = e.exitCode();
    if (code == ExitCode.LOCKED) {
      LOG.atWarn()
          .addKeyValue("event", "locked")
          .addKeyValue("exit_code", code.code())
          .log(e.getMessage());
      return new RunOutcome(code, record, e.getMessage());
    }
    removeThisRunsFiles(id, locked);
    RunRecord failed =
        record.finished(BackupPhase.Failed, run.now()).toBuilder()
            .error(code.code(), e.getMessage())
            .build();
    recorder.record(failed);
    if (!supervisor.claimReport()) {
      return new RunOutcome(code, failed, e.getMessage());
    }
    LOG.atError()
        .addKeyValue("event", stopEvent(code))
        .addKeyValue("exit_code", code.code())
        .addKeyValue("error_class", code.name())
        .addKeyValue("duration_ms", failed.durationMs())
        .setCause(code == ExitCode.FAILED && !deadline.expired() ? e : null)
        .log(e.getMessage());
    return new RunOutcome(code, failed, e.getMessage());
  }

  /**
   * The outcome of a stopped run that did not end within the grace period (a call that never
   * returns): logged here; its RUNNING history row is closed, and its files are removed, by the
   * next run.
   */
  RunOutcome abandoned(RunRecord startRecord) {
    RunnerException e = run.deadline().timedOut();
    String message =
        e.getMessage()
            + "; the run did not end within "
            + RunSupervisor.GRACE.toSeconds()
            + " s and was abandoned (the next run closes its history row and removes its files)";
    RunRecord failed =
        startRecord == null
            ? null
            : startRecord.finished(BackupPhase.Failed, run.now()).toBuilder()
                .error(e.exitCode().code(), message)
                .build();
    if (supervisor.claimReport()) {
      if (startRecord != null) {
        MDC.put("backup", run.config().qualifiedName());
        MDC.put("backup_id", startRecord.backupId());
      }
      LOG.atError()
          .addKeyValue("event", stopEvent(e.exitCode()))
          .addKeyValue("exit_code", e.exitCode().code())
          .addKeyValue("error_class", e.exitCode().name())
          .log(message);
      MDC.remove("backup");
      MDC.remove("backup_id");
    }
    return new RunOutcome(e.exitCode(), failed, message);
  }

  /** The event of the run's failure line: timeout, terminated (SIGTERM), or run_failed. */
  private String stopEvent(ExitCode code) {
    if (code == ExitCode.TIMEOUT) {
      return "timeout";
    }
    return run.deadline().expired() ? "terminated" : "run_failed";
  }

  /** A failed run leaves nothing behind; only its own folder is touched. */
  private void removeThisRunsFiles(BackupId id, boolean locked) {
    if (!locked) {
      return;
    }
    try {
      if (!run.store().exists(id, Manifest.FILE_NAME)) {
        run.store().deleteBackup(id);
      }
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "cleanup_failed")
          .addKeyValue("error", e.getMessage())
          .log("could not remove this run's partial files; a later good run removes them");
    }
  }
}
