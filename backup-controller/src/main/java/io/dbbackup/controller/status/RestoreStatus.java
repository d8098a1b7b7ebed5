package io.dbbackup.controller.status;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.status.RestoreStatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A DatabaseRestore's status, which only the controller writes ({@link
 * RestoreStatusPart#CONTROLLER}): {@code phase}, {@code message} and the {@code Succeeded}
 * condition set together, through the shared {@link StatusPatcher} as the DatabaseBackup's status
 * is. The current state is read from the controller's cache (the controller may not GET restores):
 * a 409 from a cache that lags the last patch is retried once the cache has caught up.
 */
public final class RestoreStatus {
  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  public static final String CONDITION_SUCCEEDED = RestoreStatusPart.CONDITION_SUCCEEDED;

  /** What a status says: phase, the condition's status and reason, and the message. */
  public record State(Phase phase, String conditionStatus, String reason, String message) {
    public static State pending(String reason, String message) {
      return new State(Phase.Pending, Conditions.UNKNOWN, reason, message);
    }

    public static State running(String reason, String message) {
      return new State(Phase.Running, Conditions.UNKNOWN, reason, message);
    }

    public static State succeeded(String reason, String message) {
      return new State(Phase.Succeeded, Conditions.TRUE, reason, message);
    }

    public static State failed(String reason, String message) {
      return new State(Phase.Failed, Conditions.FALSE, reason, message);
    }
  }

  private final StatusPatcher patcher;
  private final Context<DatabaseRestore> context;

  public RestoreStatus(Context<DatabaseRestore> context) {
    this.patcher = new StatusPatcher(context.getClient());
    this.context = context;
  }

  /**
   * Writes {@code state} (and {@code more}: the Job's times, the backup id) unless the stored
   * status is already over.
   *
   * @return the restore as stored after the write, or empty when its status was already over (so a
   *     final state is acted on once)
   */
  public Optional<DatabaseRestore> write(
      DatabaseRestore restore, State state, Instant now, Consumer<DatabaseRestoreStatus> more) {
    ResourceID id = ResourceID.fromResource(restore);
    AtomicBoolean open = new AtomicBoolean();
    DatabaseRestore stored =
        patcher.patch(
            DatabaseRestore.class,
            restore.getMetadata().getNamespace(),
            restore.getMetadata().getName(),
            () -> context.getPrimaryCache().get(id).orElse(null),
            DatabaseRestoreStatus.class,
            RestoreStatusPart.CONTROLLER,
            s -> {
              open.set(!terminal(s));
              if (open.get()) {
                apply(s, state, restore.getMetadata().getGeneration(), now);
                more.accept(s);
              }
            });
    return open.get() ? Optional.of(stored) : Optional.empty();
  }

  public Optional<DatabaseRestore> write(DatabaseRestore restore, State state, Instant now) {
    return write(restore, state, now, s -> {});
  }

  private static void apply(DatabaseRestoreStatus s, State state, Long generation, Instant now) {
    s.setPhase(state.phase());
    s.setMessage(state.message());
    if (s.getConditions() == null) {
      s.setConditions(new ArrayList<>());
    }
    Conditions.set(
        s.getConditions(),
        CONDITION_SUCCEEDED,
        state.conditionStatus(),
        state.reason(),
        state.message(),
        generation,
        now);
  }

  /** Whether the stored condition already says exactly this (so no new Event is due). */
  public static boolean alreadySays(DatabaseRestore restore, String reason, String message) {
    return restore.getStatus() != null
        && Conditions.find(restore.getStatus().getConditions(), CONDITION_SUCCEEDED)
            .filter(c -> reason.equals(c.getReason()) && message.equals(c.getMessage()))
            .isPresent();
  }

  /** Succeeded or Failed: the restore is over for good. */
  public static boolean terminal(DatabaseRestoreStatus status) {
    return status != null
        && (status.getPhase() == Phase.Succeeded || status.getPhase() == Phase.Failed);
  }
}
