package io.dbbackup.controller.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.BackupNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A child the controller creates and updates (never server-side apply), matched by a hash of its
 * desired state kept in an annotation. Comparing the hash, not the objects, is immune to the
 * defaults an API server adds, and still sees a field removed from the desired state.
 */
public abstract class HashedDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, DatabaseBackup> {
  private static final ObjectMapper JSON = new ObjectMapper();

  protected HashedDependent(Class<R> type) {
    super(type);
    configureWith(PlainDependents.config(type, BackupNames.MANAGED_SELECTOR));
  }

  /** The desired child, without the hash annotation. */
  protected abstract R build(DatabaseBackup backup);

  @Override
  protected final R desired(DatabaseBackup backup, Context<DatabaseBackup> context) {
    R child = build(backup);
    if (child.getMetadata().getAnnotations() == null) {
      child.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    child.getMetadata().getAnnotations().put(BackupNames.DESIRED_HASH_ANNOTATION, hash(child));
    return child;
  }

  @Override
  public Matcher.Result<R> match(
      R actual, R desired, DatabaseBackup backup, Context<DatabaseBackup> context) {
    return Matcher.Result.computed(
        Objects.equals(hashOf(desired), hashOf(actual)) && actual.getMetadata() != null, desired);
  }

  /** The hash annotation of a child, or null. */
  public static String hashOf(HasMetadata child) {
    var annotations = child.getMetadata() == null ? null : child.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(BackupNames.DESIRED_HASH_ANNOTATION);
  }

  /** The hash of a child's JSON, as put into its annotation before the child is sent. */
  public static String hash(HasMetadata child) {
    try {
      return Sha256.hex(JSON.writeValueAsBytes(child)).substring(0, 24);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash " + child.getKind(), e);
    }
  }
}
