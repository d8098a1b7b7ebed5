package io.dbbackup.runner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.support.Gpg;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys gpg makes, good and bad: each bad one is refused with a message naming it and why. */
class RecipientKeysIT {
  @TempDir static Path home;
  static Gpg gpg;

  @BeforeAll
  static void keyring() throws Exception {
    gpg = new Gpg(home.resolve("gnupg"));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    gpg.close();
  }

  @Test
  void picksTheEncryptionSubkeyAndReportsThePrimaryFingerprint() throws Exception {
    Gpg.Key key = gpg.generate("Carol <carol@example.com>", "future-default");
    var read = RecipientKeys.read("carol.asc", gpg.exportPublic(key.fingerprint()), Instant.now());
    assertThat(read).hasSize(1);
    assertThat(read.getFirst().recipient())
        .isEqualTo(
            new Recipient(
                "carol.asc",
                key.fingerprint(),
                "Carol <carol@example.com>",
                key.encryptionKeyId()));
    assertThat(RecipientKeys.keyId(read.getFirst().encryptionKey().getKeyID()))
        .isEqualTo(key.encryptionKeyId());
  }

  @Test
  void anExpiredKeyIsRefusedWithItsExpiryDate() throws Exception {
    Gpg.Key key =
        gpg.generate(
            "Old <old@example.com>", "future-default", "default", "1d", "", "20200101T000000");
    assertThatThrownBy(
            () -> RecipientKeys.read("old.asc", gpg.exportPublic(key.fingerprint()), Instant.now()))
        .isInstanceOf(UnusableKeyException.class)
        .hasMessage(
            "old.asc: key "
                + key.fingerprint()
                + " (Old <old@example.com>) expired on"
                + " 2020-01-02T00:00:00Z");
  }

  @Test
  void aRevokedKeyIsRefused() throws Exception {
    Gpg.Key key = gpg.generate("Gone <gone@example.com>", "future-default");
    gpg.revoke(key.fingerprint());
    assertThatThrownBy(
            () ->
                RecipientKeys.read("gone.asc", gpg.exportPublic(key.fingerprint()), Instant.now()))
        .hasMessage("gone.asc: key " + key.fingerprint() + " (Gone <gone@example.com>) is revoked");
  }

  @Test
  void aSigningOnlyKeyIsRefused() throws Exception {
    Gpg.Key key = gpg.generate("Signer <signer@example.com>", "ed25519", "sign", "never", "", null);
    assertThatThrownBy(
            () ->
                RecipientKeys.read(
                    "signer.asc", gpg.exportPublic(key.fingerprint()), Instant.now()))
        .hasMessage(
            "signer.asc: key "
                + key.fingerprint()
                + " (Signer <signer@example.com>) cannot encrypt: it has no valid encryption"
                + " subkey (only signing or certification keys)");
  }

  @Test
  void anExpiredEncryptionSubkeyIsNamed() throws Exception {
    Gpg.Key key =
        gpg.generate("Sub <sub@example.com>", "ed25519", "sign", "never", "", "20200101T000000");
    assertThat(
            gpg.gpg(
                    List.of(
                        "--pinentry-mode",
                        "loopback",
                        "--passphrase",
                        "",
                        "--faked-system-time",
                        "20200101T000000!",
                        "--quick-add-key",
                        key.fingerprint(),
                        "cv25519",
                        "encr",
                        "1d"),
                    null,
                    null)
                .ok())
        .isTrue();
    String subkey = gpg.key("Sub <sub@example.com>").encryptionKeyId();
    assertThatThrownBy(
            () -> RecipientKeys.read("sub.asc", gpg.exportPublic(key.fingerprint()), Instant.now()))
        .hasMessage(
            "sub.asc: key "
                + key.fingerprint()
                + " (Sub <sub@example.com>): its encryption subkey "
                + subkey
                + " expired on 2020-01-02T00:00:00Z");
  }

  @Test
  void aPrivateKeyIsRefusedSoTheClusterNeverHoldsOne() throws Exception {
    Gpg.Key key = gpg.generate("Dave <dave@example.com>", "future-default");
    String secret = gpg.exportSecret(key.fingerprint(), "");
    assertThatThrownBy(() -> RecipientKeys.read("dave.asc", secret, Instant.now()))
        .hasMessage(
            "dave.asc: holds a private key; give only the public key (gpg --armor --export"
                + " <fingerprint>), the cluster must not hold keys that can read the backups");
    assertThat(secret).doesNotContain("dave.asc"); // and the message holds none of the key
  }

  @Test
  void aKeyFromTheFutureIsRefusedNamingTheClocks() throws Exception {
    Gpg.Key key = gpg.generate("Marty <marty@example.com>", "future-default");
    Instant past = Instant.parse("2001-01-01T00:00:00Z");
    assertThatThrownBy(
            () -> RecipientKeys.read("marty.asc", gpg.exportPublic(key.fingerprint()), past))
        .hasMessageStartingWith(
            "marty.asc: key " + key.fingerprint() + " (Marty <marty@example.com>) was created at")
        .hasMessageEndingWith(", after the time here (2001-01-01T00:00:00Z): check the clocks");
  }

  @Test
  void textThatIsNoKeyIsRefused() {
    assertThatThrownBy(() -> RecipientKeys.read("junk.asc", "hello", Instant.now()))
        .isInstanceOf(UnusableKeyException.class)
        .hasMessageStartingWith("junk.asc: ");
  }

  @Test
  void anExportedKeyRingGivesOneRecipientPerKey() throws Exception {
    Gpg.Key erin = gpg.generate("Erin <erin@example.com>", "future-default");
    Gpg.Key frank = gpg.generate("Frank <frank@example.com>", "future-default");
    String both = gpg.exportPublic(erin.fingerprint()) + gpg.exportPublic(frank.fingerprint());
    assertThat(
            OpenPgpEncryptor.forPublicKeys(Map.of("team.asc", both), Instant.now())
                .recipientFingerprints())
        .containsExactly(erin.fingerprint(), frank.fingerprint());
  }
}
