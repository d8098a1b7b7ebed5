package io.dbbackup.controller.status;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * A DatabaseRestore's status, which only the controller writes: {@code phase}, {@code message} and
 * the {@code Succeeded} condition ({@code kubectl wait --for=condition=Succeeded}) set together.
 */
public final class RestoreStatus {
  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  public static final String CONDITION_SUCCEEDED = "Succeeded";

  private RestoreStatus() {}

  /** Sets phase, message and the condition on the reconciled copy, and patches the status. */
  public static UpdateControl<DatabaseRestore> patch(
      DatabaseRestore restore,
      Phase phase,
      String conditionStatus,
      String reason,
      String message,
      Instant now,
      Duration recheck) {
    DatabaseRestoreStatus s = ensure(restore);
    s.setPhase(phase);
    s.setMessage(message);
    Conditions.set(
        s.getConditions(),
        CONDITION_SUCCEEDED,
        conditionStatus,
        reason,
        message,
        restore.getMetadata().getGeneration(),
        now);
    UpdateControl<DatabaseRestore> control = UpdateControl.patchStatus(restore);
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  /** Whether the stored condition already says exactly this (so no new Event is due). */
  public static boolean alreadySays(DatabaseRestore restore, String reason, String message) {
    return restore.getStatus() != null
        && Conditions.find(restore.getStatus().getConditions(), CONDITION_SUCCEEDED)
            .filter(c -> reason.equals(c.getReason()) && message.equals(c.getMessage()))
            .isPresent();
  }

  /** The restore's status, created (with a conditions list) when it has none. */
  public static DatabaseRestoreStatus ensure(DatabaseRestore restore) {
    if (restore.getStatus() == null) {
      restore.setStatus(new DatabaseRestoreStatus());
    }
    if (restore.getStatus().getConditions() == null) {
      restore.getStatus().setConditions(new ArrayList<>());
    }
    return restore.getStatus();
  }

  /** Succeeded or Failed: the restore is over for good. */
  public static boolean terminal(DatabaseRestoreStatus status) {
    return status != null
        && (status.getPhase() == Phase.Succeeded || status.getPhase() == Phase.Failed);
  }
}
