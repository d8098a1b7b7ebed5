package io.dbbackup.controller.dependent;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.BackupType;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.api.v1alpha1.DecryptionSpec;
import io.dbbackup.api.v1alpha1.EncryptionSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Mounts each Secret a spec references, read-only, at {@code SECRETS_DIR/<name>}: only the named
 * key for a key reference, every key for a whole-Secret reference (S3 credentials, public keys).
 */
public final class SecretMounts {
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$");

  private SecretMounts() {}

  /** The referenced Secrets in spec order: name to the keys used, or an empty set for all keys. */
  public static Map<String, Set<String>> referenced(DatabaseBackupSpec spec) {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    if (spec.getDatabase() != null) {
      key(refs, spec.getDatabase().getPasswordSecretRef());
    }
    if (spec.getStorage() != null && spec.getStorage().getS3() != null) {
      whole(refs, spec.getStorage().getS3().getCredentialsSecretRef());
    }
    EncryptionSpec encryption = spec.getEncryption();
    if (encryption != null) {
      whole(refs, encryption.getPublicKeysSecretRef());
      key(refs, encryption.getPassphraseSecretRef());
      key(refs, encryption.getVerifyPrivateKeySecretRef());
    }
    chunkKey(refs, spec);
    return refs;
  }

  /**
   * The Secrets a restore reads: the target's password, the decryption key or passphrase, and the
   * backup's S3 credentials. Not the backed-up server's password, nor the backup's encryption keys.
   */
  public static Map<String, Set<String>> referenced(
      DatabaseRestoreSpec restore, DatabaseBackupSpec backup) {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    if (restore.getTarget() != null) {
      key(refs, restore.getTarget().getPasswordSecretRef());
    }
    if (backup.getStorage() != null && backup.getStorage().getS3() != null) {
      whole(refs, backup.getStorage().getS3().getCredentialsSecretRef());
    }
    DecryptionSpec decryption = restore.getDecryption();
    if (decryption != null) {
      key(refs, decryption.getPrivateKeySecretRef());
      key(refs, decryption.getPassphraseSecretRef());
    }
    // An incremental backup's chunks are checked against their names (HMAC under this key).
    chunkKey(refs, backup);
    return refs;
  }

  static void add(DatabaseBackupSpec spec, List<Volume> volumes, List<VolumeMount> mounts) {
    add(referenced(spec), volumes, mounts);
  }

  /** A read-only volume and mount for each Secret: only the keys named, or all for an empty set. */
  static void add(Map<String, Set<String>> refs, List<Volume> volumes, List<VolumeMount> mounts) {
    refs.forEach(
        (name, keys) -> {
          String volume = volumeName(name);
          SecretVolumeSourceBuilder source =
              new SecretVolumeSourceBuilder()
                  .withSecretName(name)
                  .withDefaultMode(RunnerContract.SECRET_FILE_MODE);
          keys.forEach(
              k -> source.addToItems(new KeyToPathBuilder().withKey(k).withPath(k).build()));
          volumes.add(new VolumeBuilder().withName(volume).withSecret(source.build()).build());
          mounts.add(RunnerPodTemplate.mount(volume, RunnerContract.SECRETS_DIR + "/" + name));
        });
  }

  /** A pod volume name (a DNS label) for a Secret name (a DNS subdomain). */
  static String volumeName(String secret) {
    if (DNS_LABEL.matcher(secret).matches()) {
      return "secret-" + secret;
    }
    return "secret-" + Sha256.hex(secret).substring(0, 16);
  }

  private static void chunkKey(Map<String, Set<String>> refs, DatabaseBackupSpec spec) {
    if (spec.getType() == BackupType.INCREMENTAL && spec.getIncremental() != null) {
      key(refs, spec.getIncremental().getChunkKeySecretRef());
    }
  }

  private static void key(Map<String, Set<String>> refs, SecretKeyRef ref) {
    if (ref == null || ref.getName() == null) {
      return;
    }
    Set<String> keys = refs.get(ref.getName());
    if (keys == null) {
      refs.put(ref.getName(), new TreeSet<>(Set.of(ref.getKey())));
    } else if (!keys.isEmpty()) {
      keys.add(ref.getKey());
    }
  }

  private static void whole(Map<String, Set<String>> refs, SecretRef ref) {
    if (ref != null && ref.getName() != null) {
      refs.put(ref.getName(), new TreeSet<>());
    }
  }
}
