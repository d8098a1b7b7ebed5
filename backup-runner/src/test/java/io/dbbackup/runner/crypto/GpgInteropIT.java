package io.dbbackup.runner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.support.Gpg;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.runner.support.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GnuPG 2.2 as the oracle: what we encrypt, `gpg -d` decrypts (and says it was AES-256 with an
 * intact MDC); what gpg encrypts, we decrypt; damage and the wrong key fail on both sides.
 */
class GpgInteropIT {
  static final String KEY_PASSPHRASE = "key passphrase";

  @TempDir static Path homes;
  static Gpg alice; // RSA 3072, gpg's default
  static Gpg bob; // Curve25519, gpg's future default
  static Gpg nobody;
  static Gpg.Key aliceKey;
  static Gpg.Key bobKey;
  static String alicePublic;
  static String bobPublic;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    alice = new Gpg(homes.resolve("alice"));
    bob = new Gpg(homes.resolve("bob"));
    nobody = new Gpg(homes.resolve("nobody"));
    aliceKey = alice.generate("Alice <alice@example.com>", "default");
    bobKey =
        bob.generate(
            "Bob <bob@example.com>", "future-default", "default", "never", KEY_PASSPHRASE, null);
    alicePublic = alice.exportPublic(aliceKey.fingerprint());
    bobPublic = bob.exportPublic(bobKey.fingerprint());
  }

  @AfterAll
  static void stopAgents() throws Exception {
    for (Gpg gpg : new Gpg[] {alice, bob, nobody}) {
      if (gpg != null) {
        gpg.close();
      }
    }
  }

  @Test
  void gpgDecryptsOurFileForOneRecipientAsAes256WithAnIntactMdc() throws Exception {
    byte[] input = TestData.random(3_000_000, 1);
    OpenPgpEncryptor encryptor = forKeys(Map.of("alice.asc", alicePublic));
    assertThat(encryptor.recipients())
        .containsExactly(
            new Recipient(
                "alice.asc",
                aliceKey.fingerprint(),
                "Alice <alice@example.com>",
                aliceKey.encryptionKeyId()));
    Path file = encrypt(encryptor, input);

    Path out = dir.resolve("out");
    StockTools.Result gpg = alice.decrypt(file, out);
    assertThat(gpg.exitCode()).as(gpg.stderr()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(input);
    // mdc_method 2 (SHA-1 MDC), cipher 9 (AES-256), no AEAD; and the MDC checked out
    assertThat(gpg.stderr())
        .contains("[GNUPG:] DECRYPTION_INFO 2 9 0")
        .contains("[GNUPG:] DECRYPTION_OKAY")
        .contains("[GNUPG:] GOODMDC")
        .doesNotContain("WARNING");
    assertThat(packetList(alice, file)).doesNotContain("compressed packet").contains("mode b");
  }

  @Test
  void withTwoRecipientsEachPrivateKeyAloneDecrypts() throws Exception {
    byte[] input = TestData.text(1_000_000, 2);
    OpenPgpEncryptor encryptor = forKeys(Map.of("alice.asc", alicePublic, "bob.asc", bobPublic));
    Path file = encrypt(encryptor, input);

    for (Gpg gpg : new Gpg[] {alice, bob}) {
      Path out = dir.resolve("out");
      Files.deleteIfExists(out);
      StockTools.Result r = gpg.decrypt(file, out);
      if (gpg == bob) {
        // bob's key is passphrase-protected: unlock it as a person would
        r = bob.decryptWithPassphrase(file, out, KEY_PASSPHRASE);
      }
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(Files.readAllBytes(out)).isEqualTo(input);
    }
    StockTools.Result stranger = nobody.decrypt(file, dir.resolve("stranger"));
    assertThat(stranger.exitCode()).isNotZero();
    assertThat(stranger.stderr()).contains("[GNUPG:] NO_SECKEY");

    assertThat(OpenPgpStructure.check(Files.newInputStream(file)).recipientKeyIds())
        .containsExactlyInAnyOrder(aliceKey.encryptionKeyId(), bobKey.encryptionKeyId());
  }

  @Test
  void gpgDecryptsOurPassphraseFile() throws Exception {
    byte[] input = TestData.random(500_000, 3);
    Path file = encrypt(OpenPgpEncryptor.forPassphrase("pass phrase".toCharArray()), input);
    Path out = dir.resolve("out");
    StockTools.Result gpg = nobody.decryptWithPassphrase(file, out, "pass phrase");
    assertThat(gpg.exitCode()).as(gpg.stderr()).isZero();
    assertThat(gpg.stderr()).contains("[GNUPG:] DECRYPTION_INFO 2 9 0").contains("GOODMDC");
    assertThat(Files.readAllBytes(out)).isEqualTo(input);

    StockTools.Result wrong = nobody.decryptWithPassphrase(file, dir.resolve("wrong"), "guess");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).contains("[GNUPG:] DECRYPTION_FAILED");
  }

  @Test
  void weDecryptWhatGpgEncryptedToAKeyOrWithAPassphrase() throws Exception {
    byte[] input = TestData.text(2_000_000, 4); // gpg compresses text: a compressed packet inside
    Path plain = Files.write(dir.resolve("plain"), input);

    Path toBoth = dir.resolve("both.gpg");
    Files.writeString(dir.resolve("bob.asc"), bobPublic);
    assertThat(alice.gpg(List.of("--import", dir.resolve("bob.asc").toString()), null, null).ok())
        .isTrue();
    StockTools.Result enc =
        alice.encryptTo(plain, toBoth, aliceKey.fingerprint(), bobKey.fingerprint());
    assertThat(enc.exitCode()).as(enc.stderr()).isZero();
    assertThat(
            decrypt(
                OpenPgpDecryptor.forPrivateKey(
                    alice.exportSecret(aliceKey.fingerprint(), ""), null),
                toBoth))
        .isEqualTo(input);
    assertThat(
            decrypt(
                OpenPgpDecryptor.forPrivateKey(
                    bob.exportSecret(bobKey.fingerprint(), KEY_PASSPHRASE),
                    KEY_PASSPHRASE.toCharArray()),
                toBoth))
        .isEqualTo(input);

    Path symmetric = dir.resolve("sym.gpg");
    assertThat(nobody.encryptWithPassphrase(plain, symmetric, "pass phrase").ok()).isTrue();
    assertThat(decrypt(OpenPgpDecryptor.forPassphrase("pass phrase".toCharArray()), symmetric))
        .isEqualTo(input);
  }

  @Test
  void aFlippedByteFailsOurDecryptionAndGpgs() throws Exception {
    byte[] input = TestData.random(400_000, 5);
    Path file = encrypt(forKeys(Map.of("alice.asc", alicePublic)), input);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Path damaged = Files.write(dir.resolve("damaged.gpg"), bytes);

    OpenPgpDecryptor ours =
        OpenPgpDecryptor.forPrivateKey(alice.exportSecret(aliceKey.fingerprint(), ""), null);
    assertThatThrownBy(() -> decrypt(ours, damaged))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INTEGRITY))
        .hasMessage(
            "integrity check failed: the encrypted file was modified or is damaged (its"
                + " modification detection code does not match)");

    StockTools.Result gpg = alice.decrypt(damaged, dir.resolve("out"));
    assertThat(gpg.exitCode()).isNotZero();
    assertThat(gpg.stderr()).contains("[GNUPG:] BADMDC").doesNotContain("DECRYPTION_OKAY");
  }

  @Test
  void theWrongPrivateKeyFailsNamingBothKeys() throws Exception {
    Path file = encrypt(forKeys(Map.of("alice.asc", alicePublic)), TestData.random(1000, 6));
    OpenPgpDecryptor bobs =
        OpenPgpDecryptor.forPrivateKey(
            bob.exportSecret(bobKey.fingerprint(), KEY_PASSPHRASE), KEY_PASSPHRASE.toCharArray());
    assertThatThrownBy(() -> decrypt(bobs, file))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_MATCHING_KEY))
        .hasMessage(
            "wrong key: the file is encrypted to key ids ["
                + aliceKey.encryptionKeyId()
                + "] but the private key given (fingerprints ["
                + bobKey.fingerprint()
                + "]) has decryption keys ["
                + bobKey.encryptionKeyId()
                + "]");
    assertThatThrownBy(() -> decrypt(OpenPgpDecryptor.forPassphrase("x".toCharArray()), file))
        .hasMessage(
            "the file is encrypted to public keys ["
                + aliceKey.encryptionKeyId()
                + "], not with a passphrase");
  }

  @Test
  void aProtectedPrivateKeyNeedsItsPassphrase() throws Exception {
    String armored = bob.exportSecret(bobKey.fingerprint(), KEY_PASSPHRASE);
    for (char[] wrong : new char[][] {null, "nope".toCharArray()}) {
      assertThatThrownBy(() -> OpenPgpDecryptor.forPrivateKey(armored, wrong))
          .isInstanceOf(UnusableKeyException.class)
          .hasMessage(
              "cannot unlock private key "
                  + bobKey.fingerprint()
                  + ": it is protected by a passphrase that was not given or is wrong");
    }
    assertThatThrownBy(() -> OpenPgpDecryptor.forPrivateKey(bobPublic, null))
        .hasMessage(
            "holds a public key where a private key is needed (gpg --armor --export-secret-keys)");
  }

  @Test
  void theStructureCheckAcceptsGpgsOwnFile() throws Exception {
    Path plain = Files.write(dir.resolve("plain"), TestData.random(300_000, 7));
    Path file = dir.resolve("gpg.gpg");
    assertThat(alice.encryptTo(plain, file, aliceKey.fingerprint()).ok()).isTrue();
    OpenPgpStructure.Report report = OpenPgpStructure.check(Files.newInputStream(file));
    assertThat(report.recipientKeyIds()).containsExactly(aliceKey.encryptionKeyId());
    assertThat(report.fileBytes()).isEqualTo(Files.size(file));
  }

  static OpenPgpEncryptor forKeys(Map<String, String> keys) {
    return OpenPgpEncryptor.forPublicKeys(
        new LinkedHashMap<>(new java.util.TreeMap<>(keys)), Instant.now());
  }

  private Path encrypt(Encryptor encryptor, byte[] input) throws IOException {
    Path file = dir.resolve("dump.gpg");
    try (OutputStream out = encryptor.encrypt(Files.newOutputStream(file))) {
      for (int off = 0; off < input.length; off += 100_000) {
        out.write(input, off, Math.min(100_000, input.length - off));
      }
    }
    return file;
  }

  private static byte[] decrypt(Decryptor decryptor, Path file) throws IOException {
    try (InputStream in = decryptor.decrypt(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

  private String packetList(Gpg gpg, Path file) throws Exception {
    Path out = dir.resolve("packets.txt");
    gpg.gpg(List.of("--list-packets", file.toString()), null, out);
    return Files.readString(out);
  }
}
