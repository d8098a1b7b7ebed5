package io.dbbackup.controller.dependent;

import io.dbbackup.api.status.RunnerExit;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

/**
 * The CronJob {@code <name>-backup} that starts the runner on the resource's schedule, one run at a
 * time, within the resource's timeout and retries.
 */
public class BackupCronJobDependent extends HashedDependent<CronJob> {
  /** A run missed by more than this (controller or node down) is not started late. */
  static final long STARTING_DEADLINE_SECONDS = 3600;

  static final int HISTORY_LIMIT = 3;

  /**
   * Runner exit codes that no retry can fix (RunnerExit's non-retryable ones: invalid config,
   * another run holds the lock, outside the window, permission denied). The Job fails at once.
   */
  static final int[] NO_RETRY_EXIT_CODES = RunnerExit.noRetryCodes();

  private final String defaultImage;

  public BackupCronJobDependent(String defaultImage) {
    super(CronJob.class);
    this.defaultImage = defaultImage;
  }

  @Override
  protected CronJob build(DatabaseBackup backup) {
    DatabaseBackupSpec spec = backup.getSpec();
    return new CronJobBuilder()
        .withNewMetadata()
        .withName(BackupNames.cronJob(backup))
        .withNamespace(backup.getMetadata().getNamespace())
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .withNewSpec()
        .withSchedule(spec.getSchedule())
        .withTimeZone(spec.getTimeZone())
        .withSuspend(spec.isSuspend())
        .withConcurrencyPolicy("Forbid")
        .withStartingDeadlineSeconds(STARTING_DEADLINE_SECONDS)
        .withSuccessfulJobsHistoryLimit(HISTORY_LIMIT)
        .withFailedJobsHistoryLimit(HISTORY_LIMIT)
        .withNewJobTemplate()
        .withNewMetadata()
        .withLabels(BackupNames.labels(backup))
        .endMetadata()
        .withNewSpec()
        .withActiveDeadlineSeconds(spec.getTimeoutMinutes() * 60L)
        .withBackoffLimit(spec.getRetries())
        .withNewPodFailurePolicy()
        .addToRules(
            new PodFailurePolicyRuleBuilder()
                .withAction("Ignore")
                .addNewOnPodCondition()
                .withType("DisruptionTarget")
                .withStatus("True")
                .endOnPodCondition()
                .build())
        .addToRules(
            new PodFailurePolicyRuleBuilder()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(RunnerContract.CONTAINER_NAME)
                .withOperator("In")
                .withValues(boxed(NO_RETRY_EXIT_CODES))
                .endOnExitCodes()
                .build())
        .endPodFailurePolicy()
        .withTemplate(RunnerPodTemplate.build(backup, defaultImage))
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }

  private static Integer[] boxed(int[] values) {
    Integer[] result = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
