package io.dbbackup.controller.validation;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.SecretReferences;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.api.validation.Violation;
import io.dbbackup.controller.BackupNames;
import io.dbbackup.controller.dependent.RestoreJob;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What must hold before the controller touches a child: the shared validator's rules, the limits
 * the cluster adds (name length, a claim for volume storage), and every referenced Secret (and key)
 * present. Secrets are read with a plain GET (no list or watch of Secrets) and only their key names
 * are looked at.
 */
public final class SpecCheck {
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_SECRET_NOT_FOUND = "SecretNotFound";

  /** Why a resource cannot be reconciled: a condition reason and a message naming each field. */
  public record Refusal(String reason, List<Violation> violations) {
    public String message() {
      return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
  }

  private SpecCheck() {}

  /** The refusal, or empty when the controller may create and update the children. */
  public static Optional<Refusal> check(DatabaseBackup backup, KubernetesClient client) {
    List<Violation> violations = new ArrayList<>(DatabaseBackupValidator.validate(backup));
    violations.addAll(clusterLimits(backup));
    if (!violations.isEmpty()) {
      return Optional.of(new Refusal(REASON_INVALID_SPEC, violations));
    }
    List<Violation> missing = missingSecrets(backup, client);
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(new Refusal(REASON_SECRET_NOT_FOUND, missing));
  }

  static List<Violation> clusterLimits(DatabaseBackup backup) {
    List<Violation> violations = new ArrayList<>();
    String name = backup.getMetadata().getName();
    if (name != null && name.length() > BackupNames.MAX_NAME_LENGTH) {
      violations.add(
          new Violation(
              "metadata.name",
              "must be at most "
                  + BackupNames.MAX_NAME_LENGTH
                  + " characters so that the CronJob "
                  + name
                  + "-backup fits Kubernetes' 52-character limit"));
    }
    DatabaseBackupSpec spec = backup.getSpec();
    if (spec != null
        && spec.getStorage() != null
        && spec.getStorage().getVolume() != null
        && isBlank(spec.getStorage().getVolume().getClaimName())) {
      violations.add(
          new Violation(
              "spec.storage.volume.claimName",
              "must name a PersistentVolumeClaim when the backup runs in the cluster"));
    }
    return violations;
  }

  static List<Violation> missingSecrets(DatabaseBackup backup, KubernetesClient client) {
    return missing(
        SecretReferences.of(backup.getSpec()), backup.getMetadata().getNamespace(), client);
  }

  /**
   * A restore's spec refused: the shared validator and the Job name's limit. Final for the restore,
   * whose spec cannot change.
   */
  public static Optional<Refusal> invalid(DatabaseRestore restore) {
    List<Violation> violations = new ArrayList<>(DatabaseRestoreValidator.validate(restore));
    String name = restore.getMetadata().getName();
    if (name != null && name.length() > RestoreJob.MAX_NAME_LENGTH) {
      violations.add(
          new Violation(
              "metadata.name",
              "at most " + RestoreJob.MAX_NAME_LENGTH + " characters (its Job is <name>-restore)"));
    }
    return violations.isEmpty()
        ? Optional.empty()
        : Optional.of(new Refusal(REASON_INVALID_SPEC, violations));
  }

  /**
   * The Secrets a restore of {@code backup} reads that are missing or lack their key (its own and
   * the backup's S3 credentials and chunk key): without them its pod would never start
   * (CreateContainerConfigError) and sit until the Job's deadline.
   */
  public static Optional<Refusal> missingSecrets(
      DatabaseRestore restore, DatabaseBackup backup, KubernetesClient client) {
    List<Violation> missing =
        missing(
            SecretReferences.of(restore.getSpec(), backup),
            restore.getMetadata().getNamespace(),
            client);
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(new Refusal(REASON_SECRET_NOT_FOUND, missing));
  }

  /** A violation for each reference whose Secret, or key, is not there; each Secret read once. */
  private static List<Violation> missing(
      List<SecretReferences.Entry> refs, String namespace, KubernetesClient client) {
    Map<String, Optional<Secret>> read = new HashMap<>();
    List<Violation> missing = new ArrayList<>();
    for (SecretReferences.Entry ref : refs) {
      Optional<Secret> secret = secret(ref.secretName(), read, client, namespace);
      if (secret.isEmpty()) {
        missing.add(
            new Violation(
                ref.where() + ".name",
                "Secret " + ref.secretName() + " not found in namespace " + namespace));
      } else if (!ref.wholeSecret() && !hasKey(secret.get(), ref.key())) {
        missing.add(
            new Violation(
                ref.where() + ".key",
                "Secret " + ref.secretName() + " has no key \"" + ref.key() + "\""));
      }
    }
    return missing;
  }

  private static Optional<Secret> secret(
      String name, Map<String, Optional<Secret>> read, KubernetesClient client, String namespace) {
    return read.computeIfAbsent(
        name, n -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get()));
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
