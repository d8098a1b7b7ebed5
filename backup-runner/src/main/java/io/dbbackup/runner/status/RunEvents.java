package io.dbbackup.runner.status;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The Events a run leaves on its DatabaseBackup ({@code kubectl describe} shows them): Normal
 * {@code BackupSucceeded}, Warning {@code BackupFailed} with the failure class, Normal {@code
 * BackupSkipped}. The runner's Role allows exactly this: creating Events.
 */
final class RunEvents {
  static final String COMPONENT = "dbbackup-runner";

  private RunEvents() {}

  /** The Event for a finished run, or null for one still running. */
  static Event of(DatabaseBackup resource, BackupRecord run, String pod, Instant now) {
    if (run.getPhase() == null || !run.getPhase().isTerminal()) {
      return null;
    }
    boolean failed = run.getPhase() == BackupPhase.Failed;
    String reason =
        switch (run.getPhase()) {
          case Succeeded -> "BackupSucceeded";
          case Skipped -> "BackupSkipped";
          default -> "BackupFailed";
        };
    String message =
        failed
            ? "backup "
                + run.getId()
                + " failed (exit code "
                + run.getExitCode()
                + "): "
                + run.getMessage()
            : run.getPhase() == BackupPhase.Skipped
                ? "backup " + run.getId() + " skipped: " + run.getMessage()
                : "backup "
                    + run.getId()
                    + " succeeded: "
                    + run.getSize()
                    + (Boolean.TRUE.equals(run.getVerified()) ? ", verified" + byRestore(run) : "")
                    + ", "
                    + run.getLocation()
                    + (run.getMessage() == null ? "" : " (" + run.getMessage() + ")");
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    var meta = resource.getMetadata();
    return new EventBuilder()
        .withNewMetadata()
        .withGenerateName(meta.getName() + ".")
        .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(resource.getApiVersion())
                .withKind(resource.getKind())
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build())
        .withType(failed ? "Warning" : "Normal")
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent("dbbackup.io/runner")
        .withReportingInstance(pod == null ? COMPONENT : pod)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }

  /** " by restore (N tables, M rows)" for a backup verified by restore, else "". */
  private static String byRestore(BackupRecord run) {
    var v = run.getVerification();
    return v == null || !"restore".equals(v.getMode())
        ? ""
        : " by restore (" + v.getTables() + " tables, " + v.getRows() + " rows)";
  }

  static void create(KubernetesClient client, Event event) {
    client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
  }
}
