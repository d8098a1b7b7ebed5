package io.dbbackup.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/**
 * The Secrets a DatabaseBackup or a DatabaseRestore uses, each with the field that names it: the
 * one list the validators check the names and keys of, the controller checks for existence before
 * it touches a child, and mounts into the runner's pod. (Notification channels' Secrets are read by
 * the controller itself, never mounted: {@link NotificationSecrets}.)
 */
public final class SecretReferences {
  /**
   * One reference.
   *
   * @param owner empty for the resource's own spec, else the resource whose spec holds the field,
   *     e.g. {@code DatabaseBackup orders-db} for the S3 credentials a restore reads
   * @param fieldPath the field as the user writes it, e.g. {@code
   *     spec.storage.s3.credentialsSecretRef}
   * @param secretName the Secret's name (null when the spec leaves it out: the validator says so)
   * @param key the key used; null for a whole-Secret reference
   * @param wholeSecret whether every key of the Secret is used (S3 credentials, public keys)
   * @param purpose what the runner reads it for
   */
  public record Entry(
      String owner,
      String fieldPath,
      String secretName,
      String key,
      boolean wholeSecret,
      String purpose) {
    /** The field path, preceded by the owner when it is another resource's field. */
    public String where() {
      return owner.isEmpty() ? fieldPath : owner + " " + fieldPath;
    }
  }

  private SecretReferences() {}

  /** A DatabaseBackup's references, in field order; the ones not set are left out. */
  public static List<Entry> of(DatabaseBackupSpec spec) {
    List<Entry> entries = new ArrayList<>();
    if (spec == null) {
      return entries;
    }
    if (spec.getDatabase() != null) {
      key(
          entries,
          "",
          "spec.database.passwordSecretRef",
          spec.getDatabase().getPasswordSecretRef(),
          "the password of the server backed up");
    }
    s3Credentials(entries, "", spec);
    EncryptionSpec encryption = spec.getEncryption();
    if (encryption != null) {
      whole(
          entries,
          "",
          "spec.encryption.publicKeysSecretRef",
          encryption.getPublicKeysSecretRef(),
          "the OpenPGP public keys backups are encrypted to");
      key(
          entries,
          "",
          "spec.encryption.passphraseSecretRef",
          encryption.getPassphraseSecretRef(),
          "the passphrase backups are encrypted with");
      key(
          entries,
          "",
          "spec.encryption.verifyPrivateKeySecretRef",
          encryption.getVerifyPrivateKeySecretRef(),
          "the private key verification decrypts with");
    }
    chunkKey(entries, "", spec);
    return entries;
  }

  /**
   * A DatabaseRestore's own references (the target's password, the decryption key or passphrase),
   * in field order: what can be checked without its DatabaseBackup.
   */
  public static List<Entry> of(DatabaseRestoreSpec spec) {
    List<Entry> entries = new ArrayList<>();
    target(entries, spec);
    decryption(entries, spec);
    return entries;
  }

  /**
   * Everything a restore of {@code backup} reads: its own references and, from the backup's spec,
   * the S3 credentials and an incremental backup's chunk key (chunks are checked against their
   * names). Not the backed-up server's password, nor the backup's encryption Secrets.
   */
  public static List<Entry> of(DatabaseRestoreSpec spec, DatabaseBackup backup) {
    String owner = "DatabaseBackup " + backup.getMetadata().getName();
    List<Entry> entries = new ArrayList<>();
    target(entries, spec);
    s3Credentials(entries, owner, backup.getSpec());
    decryption(entries, spec);
    chunkKey(entries, owner, backup.getSpec());
    return entries;
  }

  private static void target(List<Entry> entries, DatabaseRestoreSpec spec) {
    if (spec != null && spec.getTarget() != null) {
      key(
          entries,
          "",
          "spec.target.passwordSecretRef",
          spec.getTarget().getPasswordSecretRef(),
          "the password of the server restored into");
    }
  }

  private static void decryption(List<Entry> entries, DatabaseRestoreSpec spec) {
    DecryptionSpec decryption = spec == null ? null : spec.getDecryption();
    if (decryption != null) {
      key(
          entries,
          "",
          "spec.decryption.privateKeySecretRef",
          decryption.getPrivateKeySecretRef(),
          "the private key the backup is decrypted with");
      key(
          entries,
          "",
          "spec.decryption.passphraseSecretRef",
          decryption.getPassphraseSecretRef(),
          "the passphrase the backup is decrypted with");
    }
  }

  private static void s3Credentials(List<Entry> entries, String owner, DatabaseBackupSpec spec) {
    if (spec != null && spec.getStorage() != null && spec.getStorage().getS3() != null) {
      whole(
          entries,
          owner,
          "spec.storage.s3.credentialsSecretRef",
          spec.getStorage().getS3().getCredentialsSecretRef(),
          "the S3 credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)");
    }
  }

  private static void chunkKey(List<Entry> entries, String owner, DatabaseBackupSpec spec) {
    if (spec != null && spec.getType() == BackupType.INCREMENTAL && spec.getIncremental() != null) {
      key(
          entries,
          owner,
          "spec.incremental.chunkKeySecretRef",
          spec.getIncremental().getChunkKeySecretRef(),
          "the key incremental chunks are named with");
    }
  }

  private static void key(
      List<Entry> entries, String owner, String field, SecretKeyRef ref, String purpose) {
    if (ref != null) {
      entries.add(new Entry(owner, field, ref.getName(), ref.getKey(), false, purpose));
    }
  }

  private static void whole(
      List<Entry> entries, String owner, String field, SecretRef ref, String purpose) {
    if (ref != null) {
      entries.add(new Entry(owner, field, ref.getName(), null, true, purpose));
    }
  }
}
