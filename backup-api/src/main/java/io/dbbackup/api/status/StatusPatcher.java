package io.dbbackup.api.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dbbackup.api.retry.Retry;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes one writer's part of a DatabaseBackup status: re-reads the resource, applies a mutator to
 * a copy of its status, and sends a patch to the status subresource that holds the {@code
 * metadata.resourceVersion} it read and only that writer's fields ({@link StatusPatch}). On 409
 * Conflict it re-reads and retries (bounded, with a short jittered backoff), so a concurrent
 * writer's fields are never overwritten.
 *
 * <p>Used by the controller ({@link StatusPart#CONTROLLER}) and the runner ({@link
 * StatusPart#RUNNER}, typically with {@link RunnerStatus#record}). Thread-safe.
 */
public final class StatusPatcher {
  /** Attempts before giving up when every attempt meets a conflict. */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  private final KubernetesClient client;
  private final Clock clock;
  private final Retry retry;

  /** A patcher with {@value #DEFAULT_MAX_ATTEMPTS} attempts and a 50 ms base backoff. */
  public StatusPatcher(KubernetesClient client) {
    this(client, Clock.systemUTC(), DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(50));
  }

  /** Waits {@code backoff} doubling (at most 64 times it) plus jitter between conflicts. */
  public StatusPatcher(KubernetesClient client, Clock clock, int maxAttempts, Duration backoff) {
    this.client = client;
    this.clock = clock;
    this.retry =
        Retry.backoff(backoff)
            .atMost(backoff.multipliedBy(64))
            .withJitter()
            .attempts(Math.max(1, maxAttempts));
  }

  /**
   * Patches {@code part} of the status of DatabaseBackup {@code namespace/name}.
   *
   * @param mutator changes a copy of the freshly read status; it may run more than once (once per
   *     attempt), so it must be a pure function of the status it is given. Changes outside {@code
   *     part} are ignored.
   * @return the resource as stored after the patch, or as read when nothing changed
   * @throws KubernetesClientException when the resource does not exist (code 404), the patch is
   *     refused, or every attempt met a conflict (code 409)
   */
  public DatabaseBackup patch(
      String namespace, String name, StatusPart part, Consumer<DatabaseBackupStatus> mutator) {
    Resource<DatabaseBackup> resource =
        client.resources(DatabaseBackup.class).inNamespace(namespace).withName(name);
    try {
      return retry.call(
          attempt -> patchOnce(resource, namespace, name, part, mutator),
          e -> e instanceof KubernetesClientException k && k.getCode() == 409,
          null);
    } catch (InterruptedException e) {
      throw new KubernetesClientException("interrupted while retrying a status patch", e);
    }
  }

  private DatabaseBackup patchOnce(
      Resource<DatabaseBackup> resource,
      String namespace,
      String name,
      StatusPart part,
      Consumer<DatabaseBackupStatus> mutator) {
    DatabaseBackup fresh = resource.get();
    if (fresh == null) {
      throw new KubernetesClientException(
          "DatabaseBackup " + namespace + "/" + name + " not found", 404, null);
    }
    Optional<ArrayNode> patch = StatusPatch.compute(fresh, part, mutator, clock.instant());
    if (patch.isEmpty()) {
      return fresh;
    }
    return resource
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.get().toString());
  }
}
