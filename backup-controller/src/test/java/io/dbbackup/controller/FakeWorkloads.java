package io.dbbackup.controller;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;

/** Plays the CronJob and Job controllers the mock API server does not have. */
public final class FakeWorkloads {
  private final KubernetesClient client;

  public FakeWorkloads(KubernetesClient client) {
    this.client = client;
  }

  /** What the CronJob controller does when the schedule fires: a Job from the template. */
  public Job fire(CronJob cronJob, Instant at) {
    var template = cronJob.getSpec().getJobTemplate();
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(cronJob.getMetadata().getName() + "-" + at.getEpochSecond() / 60)
            .withNamespace(cronJob.getMetadata().getNamespace())
            .withLabels(template.getMetadata().getLabels())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("CronJob")
                    .withName(cronJob.getMetadata().getName())
                    .withUid(cronJob.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withStartTime(at.toString())
            .withActive(1)
            .endStatus()
            .build();
    Job created = client.batch().v1().jobs().resource(job).create();
    client
        .batch()
        .v1()
        .cronjobs()
        .inNamespace(cronJob.getMetadata().getNamespace())
        .withName(cronJob.getMetadata().getName())
        .edit(
            c -> {
              c.setStatus(
                  new io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder()
                      .withLastScheduleTime(at.toString())
                      .build());
              return c;
            });
    return created;
  }

  /** What the Job controller does when the pods failed for good (e.g. OOMKilled, deadline). */
  public Job fail(Job job, String reason, String message, Instant at) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .edit(
            j -> {
              j.getStatus().setActive(0);
              j.getStatus().setFailed(1);
              j.getStatus()
                  .setConditions(
                      java.util.List.of(
                          new JobConditionBuilder()
                              .withType("Failed")
                              .withStatus("True")
                              .withReason(reason)
                              .withMessage(message)
                              .withLastTransitionTime(at.toString())
                              .build()));
              return j;
            });
  }
}
