package io.dbbackup.controller.dependent;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;

/**
 * A child of a DatabaseRestore ({@link RestoreJob}): created once with a plain POST (no server-side
 * apply), then only watched, never updated, re-created or deleted by the controller (the garbage
 * collector removes it with its owner). Its informer selects by {@link RestoreJob#RESTORE_LABEL}
 * and maps a child to the restore that label names; the owner reference is {@link RestoreJob}'s
 * own.
 */
public abstract class RestoreDependent<R extends HasMetadata>
    extends KubernetesDependentResource<R, DatabaseRestore> implements Creator<R, DatabaseRestore> {

  protected RestoreDependent(Class<R> type) {
    super(type);
    configureWith(
        PlainDependents.config(
            type, BackupNames.MANAGED_SELECTOR + "," + RestoreJob.RESTORE_LABEL));
  }

  /** The restore's ConfigMap: the DatabaseRestore as the runner reads it. */
  public static RestoreDependent<ConfigMap> configMap() {
    return new RestoreDependent<>(ConfigMap.class) {
      @Override
      protected ConfigMap desired(DatabaseRestore restore, Context<DatabaseRestore> context) {
        return RestoreJob.configMap(restore);
      }
    };
  }

  /** The restore's Job, built from its DatabaseBackup (a secondary resource of the restore). */
  public static RestoreDependent<Job> job(String defaultImage) {
    return new RestoreDependent<>(Job.class) {
      @Override
      protected Job desired(DatabaseRestore restore, Context<DatabaseRestore> context) {
        DatabaseBackup backup = context.getSecondaryResource(DatabaseBackup.class).orElseThrow();
        return RestoreJob.build(restore, backup, defaultImage);
      }
    };
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(
      EventSourceContext<DatabaseRestore> context) {
    return Optional.of(RestoreDependent::restoreOf);
  }

  /** No JOSDK annotations: the restore label already says whose child it is. */
  @Override
  protected void addSecondaryToPrimaryMapperAnnotations(R child, DatabaseRestore restore) {}

  /** The restore {@code child} belongs to, by its label. */
  static Set<ResourceID> restoreOf(HasMetadata child) {
    var labels = child.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(RestoreJob.RESTORE_LABEL);
    return name == null
        ? Set.of()
        : Set.of(new ResourceID(name, child.getMetadata().getNamespace()));
  }
}
