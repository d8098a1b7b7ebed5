package io.dbbackup.api.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dbbackup.api.retry.Retry;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    return patch(
        resource,
        "DatabaseBackup " + namespace + "/" + name,
        resource::get,
        DatabaseBackupStatus.class,
        part,
        mutator);
  }

  /**
   * The same for any custom resource ({@code type}, status {@code statusType}), its current state
   * read with {@code read} before each attempt: a GET, or an informer's cache for a writer that may
   * not GET (the attempt after a 409 waits for the cache to catch up).
   */
  public <R extends CustomResource<?, S>, S> R patch(
      Class<R> type,
      String namespace,
      String name,
      Supplier<R> read,
      Class<S> statusType,
      StatusOwner part,
      Consumer<S> mutator) {
    return patch(
        client.resources(type).inNamespace(namespace).withName(name),
        type.getSimpleName() + " " + namespace + "/" + name,
        read,
        statusType,
        part,
        mutator);
  }

  private <R extends CustomResource<?, S>, S> R patch(
      Resource<R> resource,
      String what,
      Supplier<R> read,
      Class<S> statusType,
      StatusOwner part,
      Consumer<S> mutator) {
    try {
      return retry.call(
          attempt -> patchOnce(resource, what, read, statusType, part, mutator),
          e -> e instanceof KubernetesClientException k && k.getCode() == 409,
          null);
    } catch (InterruptedException e) {
      throw new KubernetesClientException("interrupted while retrying a status patch", e);
    }
  }

  private <R extends CustomResource<?, S>, S> R patchOnce(
      Resource<R> resource,
      String what,
      Supplier<R> read,
      Class<S> statusType,
      StatusOwner part,
      Consumer<S> mutator) {
    R fresh = read.get();
    if (fresh == null) {
      throw new KubernetesClientException(what + " not found", 404, null);
    }
    Optional<ArrayNode> patch =
        StatusPatch.compute(fresh, statusType, part, mutator, clock.instant());
    if (patch.isEmpty()) {
      return fresh;
    }
    return resource
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.get().toString());
  }
}
