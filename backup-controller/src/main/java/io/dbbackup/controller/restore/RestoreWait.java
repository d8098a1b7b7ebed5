package io.dbbackup.controller.restore;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.controller.DatabaseRestoreReconciler;
import io.dbbackup.controller.validation.SpecCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a valid DatabaseRestore cannot start yet: a condition reason and message, and when to look
 * again (null: an informer event will bring the change).
 */
public record RestoreWait(String reason, String message, Duration recheck) {

  /**
   * What {@code restore} waits for, if anything: its DatabaseBackup ({@code backup} from the
   * informer, which brings its changes, so no recheck), or a Secret it reads (looked at again after
   * {@code secretRecheck}: Secrets are not watched).
   */
  public static Optional<RestoreWait> of(
      DatabaseRestore restore,
      Optional<DatabaseBackup> backup,
      KubernetesClient client,
      Duration secretRecheck) {
    String ns = restore.getMetadata().getNamespace();
    String backupName = restore.getSpec().getBackupRef().getName();
    if (backup.isEmpty()) {
      return Optional.of(
          new RestoreWait(
              DatabaseRestoreReconciler.REASON_BACKUP_NOT_FOUND,
              "DatabaseBackup " + backupName + " not found in namespace " + ns,
              null));
    }
    // Ready (for its current generation) means its runner ConfigMap is in place and valid.
    Optional<String> notReady = notReady(backup.get());
    if (notReady.isPresent()) {
      return Optional.of(
          new RestoreWait(
              DatabaseRestoreReconciler.REASON_BACKUP_NOT_READY,
              "DatabaseBackup " + backupName + " is not Ready: " + notReady.get(),
              null));
    }
    return SpecCheck.missingSecrets(restore, backup.get(), client)
        .map(m -> new RestoreWait(m.reason(), m.message(), secretRecheck));
  }

  /** Why {@code backup} is not Ready for its current generation, if it is not. */
  private static Optional<String> notReady(DatabaseBackup backup) {
    var status = backup.getStatus();
    var ready =
        status == null
                || !Objects.equals(
                    status.getObservedGeneration(), backup.getMetadata().getGeneration())
            ? Optional.<Condition>empty()
            : Conditions.find(status.getConditions(), DatabaseBackupStatus.CONDITION_READY);
    if (ready.isEmpty()) {
      return Optional.of("not reconciled yet");
    }
    return Conditions.TRUE.equals(ready.get().getStatus())
        ? Optional.empty()
        : Optional.of(ready.get().getReason() + ": " + ready.get().getMessage());
  }
}
