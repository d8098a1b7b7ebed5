package io.dbbackup.controller.jobs;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Optional;

/**
 * Starts one Job from the CronJob's template for each new value of the {@code dbbackup.io/run-now}
 * annotation, like {@code kubectl create job --from=cronjob/...}.
 *
 * <p>Once per value, across reconciles and restarts: the Job's name is derived from the value (a
 * second create meets 409 AlreadyExists), and the handled value is then recorded in the
 * DatabaseBackup's {@code dbbackup.io/run-now-handled} annotation, which outlives the Job.
 */
public final class OnDemandRun {
  /** What kubectl sets on a Job created from a CronJob. */
  public static final String INSTANTIATE_ANNOTATION = "cronjob.kubernetes.io/instantiate";

  /** A Job started (or found started) for a run-now value. */
  public record Started(String jobName, String value, boolean created) {}

  private final KubernetesClient client;

  public OnDemandRun(KubernetesClient client) {
    this.client = client;
  }

  /** Starts the Job if the annotation holds a value not handled yet and the CronJob exists. */
  public Optional<Started> handle(DatabaseBackup backup, Optional<CronJob> cronJob) {
    Map<String, String> annotations = backup.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(BackupNames.RUN_NOW_ANNOTATION);
    if (value == null
        || value.isBlank()
        || value.equals(annotations.get(BackupNames.RUN_NOW_HANDLED_ANNOTATION))
        || cronJob.isEmpty()) {
      return Optional.empty();
    }
    Job job = jobFor(cronJob.get(), value);
    boolean created = true;
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(job)
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      created = false;
    }
    markHandled(backup, value);
    return Optional.of(new Started(job.getMetadata().getName(), value, created));
  }

  /** The Job for {@code value}: the CronJob's job template, owned by the CronJob. */
  public static Job jobFor(CronJob cronJob, String value) {
    var template = cronJob.getSpec().getJobTemplate();
    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName(cronJob.getMetadata().getName(), value))
        .withNamespace(cronJob.getMetadata().getNamespace())
        .withLabels(template.getMetadata() == null ? null : template.getMetadata().getLabels())
        .addToAnnotations(BackupNames.RUN_NOW_ANNOTATION, value)
        .addToAnnotations(INSTANTIATE_ANNOTATION, "manual")
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("CronJob")
                .withName(cronJob.getMetadata().getName())
                .withUid(cronJob.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  /** {@code <cronjob>-m-<8 hex of the value's SHA-256>}: at most 63 characters. */
  public static String jobName(String cronJobName, String value) {
    return cronJobName + "-m-" + Sha256.hex(value).substring(0, 8);
  }

  private void markHandled(DatabaseBackup backup, String value) {
    var patch =
        client
            .getKubernetesSerialization()
            .asJson(
                Map.of(
                    "metadata",
                    Map.of("annotations", Map.of(BackupNames.RUN_NOW_HANDLED_ANNOTATION, value))));
    client
        .resources(DatabaseBackup.class)
        .inNamespace(backup.getMetadata().getNamespace())
        .withName(backup.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }
}
