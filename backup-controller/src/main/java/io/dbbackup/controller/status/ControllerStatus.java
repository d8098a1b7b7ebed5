package io.dbbackup.controller.status;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The controller's part of the status ({@link StatusPart#CONTROLLER}): {@code Ready}, {@code
 * observedGeneration} and the schedule times, written through the shared {@link StatusPatcher}.
 */
public final class ControllerStatus {
  public static final String REASON_RECONCILED = "Reconciled";
  public static final String REASON_SUSPENDED = "Suspended";
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";

  private final StatusPatcher patcher;

  public ControllerStatus(StatusPatcher patcher) {
    this.patcher = patcher;
  }

  /** The children are in place: Ready=True and the schedule times. */
  public DatabaseBackup ready(DatabaseBackup backup, Optional<CronJob> cronJob, Instant now) {
    var spec = backup.getSpec();
    String next = ScheduleTimes.next(spec, now).map(Conditions::timestamp).orElse(null);
    String last =
        cronJob
            .map(c -> c.getStatus() == null ? null : c.getStatus().getLastScheduleTime())
            .orElse(null);
    String reason = spec.isSuspend() ? REASON_SUSPENDED : REASON_RECONCILED;
    String zone = spec.getTimeZone() == null ? "UTC" : spec.getTimeZone();
    String message =
        spec.isSuspend()
            ? "scheduled runs are suspended (spec.suspend); on-demand runs still work"
            : "CronJob "
                + BackupNames.cronJob(backup)
                + " runs \""
                + spec.getSchedule()
                + "\" in "
                + zone;
    return patch(
        backup,
        s -> {
          setReady(s, backup, Conditions.TRUE, reason, message, now);
          s.setNextScheduleTime(next);
          if (last != null) {
            s.setLastScheduleTime(last);
          }
        });
  }

  /** The spec cannot be acted on: Ready=False; the schedule times are left as they were. */
  public DatabaseBackup notReady(
      DatabaseBackup backup, String reason, String message, Instant now) {
    return patch(backup, s -> setReady(s, backup, Conditions.FALSE, reason, message, now));
  }

  /** Whether the stored Ready condition already says exactly this (so no new Event is due). */
  public static boolean readyAlreadySays(
      DatabaseBackup backup, String status, String reason, String message) {
    Optional<Condition> ready =
        Conditions.find(
            backup.getStatus() == null ? null : backup.getStatus().getConditions(),
            DatabaseBackupStatus.CONDITION_READY);
    return ready.isPresent()
        && Objects.equals(ready.get().getStatus(), status)
        && Objects.equals(ready.get().getReason(), reason)
        && Objects.equals(ready.get().getMessage(), message);
  }

  private DatabaseBackup patch(
      DatabaseBackup backup, java.util.function.Consumer<DatabaseBackupStatus> mutator) {
    return patcher.patch(
        backup.getMetadata().getNamespace(),
        backup.getMetadata().getName(),
        StatusPart.CONTROLLER,
        mutator);
  }

  private static void setReady(
      DatabaseBackupStatus s,
      DatabaseBackup backup,
      String status,
      String reason,
      String message,
      Instant now) {
    Long generation = backup.getMetadata().getGeneration();
    s.setObservedGeneration(generation);
    if (s.getConditions() == null) {
      s.setConditions(new java.util.ArrayList<>());
    }
    Conditions.set(
        s.getConditions(),
        DatabaseBackupStatus.CONDITION_READY,
        status,
        reason,
        message,
        generation,
        now);
  }
}
