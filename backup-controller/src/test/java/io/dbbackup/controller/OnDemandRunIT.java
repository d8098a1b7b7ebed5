package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code dbbackup.io/run-now=<value>} starts exactly one Job per value, even across restarts. */
class OnDemandRunIT extends ControllerTestBase {

  static List<Job> jobsOf(String name) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel(BackupNames.BACKUP_LABEL, name)
        .list()
        .getItems();
  }

  static void annotate(String name, String value) {
    edit(
        name,
        b -> {
          b.getMetadata().getAnnotations().put(BackupNames.RUN_NOW_ANNOTATION, value);
          return b;
        });
  }

  static void awaitHandled(String name, String value) {
    TestConfig.eventually()
        .untilAsserted(
            () ->
                assertThat(backup(name).getMetadata().getAnnotations())
                    .containsEntry(BackupNames.RUN_NOW_HANDLED_ANNOTATION, value));
  }

  @Test
  void eachNewValueStartsExactlyOneJobFromTheCronJobTemplate() throws Exception {
    cluster.create(Fixtures.volumeBackup(NS, "manual-db"));
    awaitReady("manual-db", "True");
    assertThat(jobsOf("manual-db")).isEmpty();

    annotate("manual-db", "2026-11-24T10:00");
    awaitHandled("manual-db", "2026-11-24T10:00");
    List<Job> jobs = jobsOf("manual-db");
    assertThat(jobs).hasSize(1);
    Job job = jobs.getFirst();
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(BackupNames.RUN_NOW_ANNOTATION, "2026-11-24T10:00")
        .containsEntry("cronjob.kubernetes.io/instantiate", "manual");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("CronJob"));
    assertThat(job.getSpec()).isEqualTo(cronJob("manual-db").getSpec().getJobTemplate().getSpec());

    // More reconciles (a spec change, a label) and the same value: still one Job.
    edit(
        "manual-db",
        b -> {
          b.getSpec().setRetries(1);
          b.getMetadata().getLabels().put("touched", "yes");
          return b;
        });
    awaitReady("manual-db", "True");
    Thread.sleep(500);
    assertThat(jobsOf("manual-db")).hasSize(1);

    annotate("manual-db", "second");
    awaitHandled("manual-db", "second");
    assertThat(jobsOf("manual-db")).hasSize(2);
  }

  @Test
  void aRestartedControllerDoesNotStartTheSameValueAgain() throws Exception {
    cluster.create(Fixtures.volumeBackup(NS, "restart-db"));
    awaitReady("restart-db", "True");
    annotate("restart-db", "once");
    awaitHandled("restart-db", "once");
    assertThat(jobsOf("restart-db")).hasSize(1);

    // The Job is gone (history limit, TTL): the handled annotation still remembers the value.
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel(BackupNames.BACKUP_LABEL, "restart-db")
        .delete();
    TestConfig.eventually().until(() -> jobsOf("restart-db").isEmpty());
    try (BackupOperator second =
        new BackupOperator(cluster.newClient(), TestConfig.config(), Clock.systemUTC())) {
      operator.close();
      second.start();
      edit(
          "restart-db",
          b -> {
            b.getSpec().setRetries(3);
            return b;
          });
      awaitReady("restart-db", "True");
      Thread.sleep(Duration.ofMillis(500));
      assertThat(jobsOf("restart-db")).isEmpty();
      DatabaseBackup b = backup("restart-db");
      assertThat(b.getMetadata().getAnnotations())
          .containsEntry(BackupNames.RUN_NOW_HANDLED_ANNOTATION, "once");
    } finally {
      operator = new BackupOperator(cluster.newClient(), TestConfig.config(), Clock.systemUTC());
      operator.start();
    }
  }
}
