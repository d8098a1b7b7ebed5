package io.dbbackup.controller.dependent;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.api.v1alpha1.SecretReferences;
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
    return byName(SecretReferences.of(spec));
  }

  /**
   * The Secrets a restore reads: the target's password, the decryption key or passphrase, and the
   * backup's S3 credentials and chunk key ({@link SecretReferences#of(DatabaseRestoreSpec,
   * DatabaseBackup)}). Not the backed-up server's password, nor the backup's encryption keys.
   */
  public static Map<String, Set<String>> referenced(
      DatabaseRestoreSpec restore, DatabaseBackup backup) {
    return byName(SecretReferences.of(restore, backup));
  }

  /** The references merged per Secret: the keys used, or an empty set when all keys are. */
  private static Map<String, Set<String>> byName(List<SecretReferences.Entry> refs) {
    Map<String, Set<String>> byName = new LinkedHashMap<>();
    for (SecretReferences.Entry ref : refs) {
      if (ref.secretName() == null) {
        continue;
      }
      if (ref.wholeSecret()) {
        byName.put(ref.secretName(), new TreeSet<>());
        continue;
      }
      Set<String> keys = byName.get(ref.secretName());
      if (keys == null) {
        byName.put(ref.secretName(), new TreeSet<>(Set.of(ref.key())));
      } else if (!keys.isEmpty()) {
        keys.add(ref.key());
      }
    }
    return byName;
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
}
