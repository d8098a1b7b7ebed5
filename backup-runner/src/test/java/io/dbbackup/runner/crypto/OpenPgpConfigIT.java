package io.dbbackup.runner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.DecryptionSpec;
import io.dbbackup.api.v1alpha1.EncryptionSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.support.Gpg;
import io.dbbackup.runner.support.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encryption stages built from a resource and its mounted Secrets. */
class OpenPgpConfigIT {
  static final String PASSPHRASE = "a long passphrase nobody guesses";

  @TempDir static Path home;
  static Gpg gpg;
  static Gpg.Key alice;
  static Gpg.Key bob;
  static Gpg.Key old;

  @TempDir Path secrets;

  @BeforeAll
  static void keys() throws Exception {
    gpg = new Gpg(home.resolve("gnupg"));
    alice = gpg.generate("Alice <alice@example.com>", "future-default");
    bob = gpg.generate("Bob <bob@example.com>", "future-default");
    old =
        gpg.generate(
            "Old <old@example.com>", "future-default", "default", "1d", "", "20200101T000000");
  }

  @AfterAll
  static void stopAgent() throws Exception {
    gpg.close();
  }

  @Test
  void everyKeyOfThePublicKeysSecretIsARecipientInNameOrder() throws Exception {
    secret("backup-pubkeys", "bob.asc", gpg.exportPublic(bob.fingerprint()));
    secret("backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    Encryptor encryptor = encryptor(publicKeys()).orElseThrow();
    assertThat(encryptor.mode()).isEqualTo(EncryptionMode.PUBLIC_KEY);
    assertThat(encryptor.recipientFingerprints())
        .containsExactly(alice.fingerprint(), bob.fingerprint());
    assertThat(encryptor.recipients().getFirst().source())
        .isEqualTo("key \"alice.asc\" of Secret backup-pubkeys");
    assertThat(OpenPgpConfig.verifyDecryptor(publicKeys(), files(), encryptor)).isEmpty();
  }

  @Test
  void anUnusableKeyFailsAsInvalidConfigNamingFieldSecretKeyAndWhy() throws Exception {
    secret("backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    secret("backup-pubkeys", "old.asc", gpg.exportPublic(old.fingerprint()));
    assertThatThrownBy(() -> encryptor(publicKeys()))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessage(
            "spec.encryption.publicKeysSecretRef: key \"old.asc\" of Secret backup-pubkeys: key "
                + old.fingerprint()
                + " (Old <old@example.com>) expired on 2020-01-02T00:00:00Z");
  }

  @Test
  void aMissingSecretFailsAsInvalidConfig() {
    assertThatThrownBy(() -> encryptor(publicKeys()))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessageStartingWith("spec.encryption.publicKeysSecretRef: secret file ");
  }

  @Test
  void passphraseModeEncryptsAndVerifiesWithTheSamePassphrase() throws Exception {
    secret("backup-pass", "passphrase", PASSPHRASE + "\n");
    EncryptionSpec spec = new EncryptionSpec();
    spec.setPassphraseSecretRef(new SecretKeyRef("backup-pass", "passphrase"));
    Encryptor encryptor = encryptor(spec).orElseThrow();
    assertThat(encryptor.mode()).isEqualTo(EncryptionMode.PASSPHRASE);
    Decryptor verify = OpenPgpConfig.verifyDecryptor(spec, files(), encryptor).orElseThrow();
    byte[] input = TestData.random(10_000, 1);
    assertThat(
            OpenPgpPassphraseTest.decrypt(verify, OpenPgpPassphraseTest.encrypt(encryptor, input)))
        .isEqualTo(input);
  }

  @Test
  void anEmptyPassphraseIsRefusedWithoutShowingAnything() throws Exception {
    secret("backup-pass", "passphrase", "\n");
    EncryptionSpec spec = new EncryptionSpec();
    spec.setPassphraseSecretRef(new SecretKeyRef("backup-pass", "passphrase"));
    assertThatThrownBy(() -> encryptor(spec))
        .hasMessage(
            "spec.encryption.passphraseSecretRef: key \"passphrase\" of Secret backup-pass is"
                + " empty");
  }

  @Test
  void theVerifyKeyMustBelongToARecipient() throws Exception {
    secret("backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    secret("verify-key", "alice", gpg.exportSecret(alice.fingerprint(), ""));
    secret("verify-key", "bob", gpg.exportSecret(bob.fingerprint(), ""));
    EncryptionSpec spec = publicKeys();
    Encryptor encryptor = encryptor(spec).orElseThrow();

    spec.setVerifyPrivateKeySecretRef(new SecretKeyRef("verify-key", "alice"));
    Optional<Decryptor> verify = OpenPgpConfig.verifyDecryptor(spec, files(), encryptor);
    byte[] input = TestData.random(10_000, 2);
    assertThat(
            OpenPgpPassphraseTest.decrypt(
                verify.orElseThrow(), OpenPgpPassphraseTest.encrypt(encryptor, input)))
        .isEqualTo(input);

    spec.setVerifyPrivateKeySecretRef(new SecretKeyRef("verify-key", "bob"));
    assertThatThrownBy(() -> OpenPgpConfig.verifyDecryptor(spec, files(), encryptor))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessage(
            "spec.encryption.verifyPrivateKeySecretRef: the private key ["
                + bob.fingerprint()
                + "] cannot decrypt for any recipient: they encrypt to key ids ["
                + alice.encryptionKeyId()
                + "], it holds ["
                + bob.encryptionKeyId()
                + "]");
  }

  @Test
  void restoreDecryptsWithThePrivateKeyOrThePassphrase() throws Exception {
    secret("restore-key", "private.asc", gpg.exportSecret(alice.fingerprint(), ""));
    secret("restore-key", "public.asc", gpg.exportPublic(alice.fingerprint()));
    secret("backup-pass", "passphrase", PASSPHRASE);
    DecryptionSpec byKey = new DecryptionSpec();
    byKey.setPrivateKeySecretRef(new SecretKeyRef("restore-key", "private.asc"));
    assertThat(OpenPgpConfig.restoreDecryptor(byKey, files()))
        .isInstanceOfSatisfying(
            OpenPgpDecryptor.class,
            d -> assertThat(d.keyIds()).containsExactly(alice.encryptionKeyId()));

    DecryptionSpec byPassphrase = new DecryptionSpec();
    byPassphrase.setPassphraseSecretRef(new SecretKeyRef("backup-pass", "passphrase"));
    assertThat(OpenPgpConfig.restoreDecryptor(byPassphrase, files())).isNotNull();

    byKey.setPrivateKeySecretRef(new SecretKeyRef("restore-key", "public.asc"));
    assertThatThrownBy(() -> OpenPgpConfig.restoreDecryptor(byKey, files()))
        .hasMessage(
            "spec.decryption.privateKeySecretRef: key \"public.asc\" of Secret restore-key: holds"
                + " a public key where a private key is needed (gpg --armor"
                + " --export-secret-keys)");
    assertThatThrownBy(() -> OpenPgpConfig.restoreDecryptor(new DecryptionSpec(), files()))
        .hasMessage(
            "spec.decryption: set exactly one of privateKeySecretRef or passphraseSecretRef");
  }

  private Optional<Encryptor> encryptor(EncryptionSpec spec) {
    return OpenPgpConfig.encryptor(spec, files(), Instant.now());
  }

  private static EncryptionSpec publicKeys() {
    EncryptionSpec spec = new EncryptionSpec();
    spec.setPublicKeysSecretRef(new SecretRef("backup-pubkeys"));
    return spec;
  }

  private SecretFiles files() {
    return new SecretFiles(secrets);
  }

  private void secret(String name, String key, String value) throws Exception {
    Files.createDirectories(secrets.resolve(name));
    Files.writeString(secrets.resolve(name).resolve(key), value);
  }
}
