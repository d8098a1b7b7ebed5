package io.dbbackup.runner.crypto;

import io.dbbackup.api.v1alpha1.DecryptionSpec;
import io.dbbackup.api.v1alpha1.EncryptionSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.runner.config.Secret;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenPGP stages a resource asks for, built from its mounted Secrets. Every problem is an
 * invalid-config failure whose message starts with the field at fault and names the Secret key and
 * fingerprint, never key material or a passphrase.
 */
public final class OpenPgpConfig {
  public static final String ENCRYPTION = "spec.encryption";
  public static final String PUBLIC_KEYS = "spec.encryption.publicKeysSecretRef";
  public static final String PASSPHRASE = "spec.encryption.passphraseSecretRef";
  public static final String VERIFY_KEY = "spec.encryption.verifyPrivateKeySecretRef";
  public static final String RESTORE_KEY = "spec.decryption.privateKeySecretRef";
  public static final String RESTORE_PASSPHRASE = "spec.decryption.passphraseSecretRef";

  private OpenPgpConfig() {}

  /** The encryption stage, or empty when {@code spec} (spec.encryption) is not set. */
  public static Optional<Encryptor> encryptor(
      EncryptionSpec spec, SecretFiles secrets, Instant now) {
    if (spec == null) {
      return Optional.empty();
    }
    boolean keys = spec.getPublicKeysSecretRef() != null;
    if (keys == (spec.getPassphraseSecretRef() != null)) {
      throw invalid(ENCRYPTION, "set exactly one of publicKeysSecretRef or passphraseSecretRef");
    }
    if (!keys) {
      return Optional.of(
          OpenPgpEncryptor.forPassphrase(
              passphrase(PASSPHRASE, spec.getPassphraseSecretRef(), secrets)));
    }
    String secretName = spec.getPublicKeysSecretRef().getName();
    Map<String, String> armored = new LinkedHashMap<>();
    secrets
        .readAll(PUBLIC_KEYS, spec.getPublicKeysSecretRef())
        .forEach(
            (key, value) ->
                armored.put("key \"" + key + "\" of Secret " + secretName, value.value()));
    try {
      return Optional.of(OpenPgpEncryptor.forPublicKeys(armored, now));
    } catch (UnusableKeyException e) {
      throw invalid(PUBLIC_KEYS, e.getMessage());
    }
  }

  /**
   * What verify can decrypt with: the passphrase in passphrase mode; in public-key mode the
   * optional verify key, which must belong to one of {@code encryptor}'s recipients; else empty,
   * and verify checks the checksum and {@link OpenPgpStructure} only.
   */
  public static Optional<Decryptor> verifyDecryptor(
      EncryptionSpec spec, SecretFiles secrets, Encryptor encryptor) {
    if (spec == null) {
      return Optional.empty();
    }
    if (spec.getPassphraseSecretRef() != null) {
      return Optional.of(
          OpenPgpDecryptor.forPassphrase(
              passphrase(PASSPHRASE, spec.getPassphraseSecretRef(), secrets)));
    }
    if (spec.getVerifyPrivateKeySecretRef() == null) {
      return Optional.empty();
    }
    OpenPgpDecryptor decryptor =
        privateKey(VERIFY_KEY, spec.getVerifyPrivateKeySecretRef(), secrets);
    List<String> recipientKeys =
        encryptor.recipients().stream().map(Recipient::encryptionKeyId).toList();
    if (decryptor.keyIds().stream().noneMatch(recipientKeys::contains)) {
      throw invalid(
          VERIFY_KEY,
          "the private key "
              + decryptor.fingerprints()
              + " cannot decrypt for any recipient: they encrypt to key ids "
              + recipientKeys
              + ", it holds "
              + decryptor.keyIds());
    }
    return Optional.of(decryptor);
  }

  /** What a restore decrypts with (spec.decryption of a DatabaseRestore). */
  public static Decryptor restoreDecryptor(DecryptionSpec spec, SecretFiles secrets) {
    if (spec == null
        || (spec.getPrivateKeySecretRef() != null) == (spec.getPassphraseSecretRef() != null)) {
      throw invalid(
          "spec.decryption", "set exactly one of privateKeySecretRef or passphraseSecretRef");
    }
    if (spec.getPassphraseSecretRef() != null) {
      return OpenPgpDecryptor.forPassphrase(
          passphrase(RESTORE_PASSPHRASE, spec.getPassphraseSecretRef(), secrets));
    }
    return privateKey(RESTORE_KEY, spec.getPrivateKeySecretRef(), secrets);
  }

  private static OpenPgpDecryptor privateKey(String field, SecretKeyRef ref, SecretFiles secrets) {
    Secret key = secrets.read(field, ref);
    try {
      return OpenPgpDecryptor.forPrivateKey(key.value(), null);
    } catch (UnusableKeyException e) {
      throw invalid(
          field, "key \"" + ref.getKey() + "\" of Secret " + ref.getName() + ": " + e.getMessage());
    }
  }

  private static char[] passphrase(String field, SecretKeyRef ref, SecretFiles secrets) {
    Secret secret = secrets.read(field, ref);
    if (secret.value().isEmpty()) {
      throw invalid(field, "key \"" + ref.getKey() + "\" of Secret " + ref.getName() + " is empty");
    }
    return secret.value().toCharArray();
  }

  private static RunnerException invalid(String field, String message) {
    return new RunnerException(ExitCode.INVALID_CONFIG, field + ": " + message);
  }
}
