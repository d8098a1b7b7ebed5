package io.dbbackup.runner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Passphrase mode end to end within the runner, and the packets it writes. */
class OpenPgpPassphraseTest {
  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  static final Encryptor ENCRYPTOR = OpenPgpEncryptor.forPassphrase(PASSPHRASE);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 3_000_000})
  void decryptsWhatItEncrypted(int size) throws IOException {
    byte[] input = TestData.random(size, size);
    byte[] encrypted = encrypt(ENCRYPTOR, input);
    assertThat(decrypt(OpenPgpDecryptor.forPassphrase(PASSPHRASE), encrypted)).isEqualTo(input);
  }

  @Test
  void writesAes256SeipdVersion1AfterAnIteratedSaltedSha256SessionKeyPacket() throws IOException {
    byte[] encrypted = encrypt(ENCRYPTOR, TestData.random(200_000, 1));
    PacketReader packets = new PacketReader(new ByteArrayInputStream(encrypted));

    PacketReader.Packet skesk = packets.next();
    assertThat(skesk.tag()).isEqualTo(3);
    byte[] body = skesk.body().readAllBytes();
    // version 4, AES-256 (9), S2K type 3 (iterated and salted), SHA-256 (8), 8 salt bytes, count,
    // then the session key (algorithm byte and 32 key bytes) encrypted with the S2K's key
    assertThat(body).hasSize(13 + 33);
    assertThat(Arrays.copyOf(body, 4)).containsExactly(4, 9, 3, 8);
    assertThat(body[12] & 0xff).isEqualTo(0xff);

    PacketReader.Packet seipd = packets.next();
    assertThat(seipd.tag()).isEqualTo(18);
    assertThat(encrypted[(int) seipd.offset()]).isEqualTo((byte) 0xd2); // new format header
    assertThat(encrypted[(int) seipd.offset() + 1] & 0xff).isEqualTo(0xe0 + 16); // 64 KiB partial
    assertThat(seipd.body().read()).isEqualTo(1); // version 1: CFB with MDC
    seipd.body().readAllBytes();
    assertThat(packets.next()).isNull();
    assertThat(ENCRYPTOR.mode().wireName()).isEqualTo("passphrase");
    assertThat(ENCRYPTOR.recipients()).isEmpty();
  }

  @Test
  void theWrongPassphraseFailsClearly() throws IOException {
    byte[] encrypted = encrypt(ENCRYPTOR, TestData.random(1000, 2));
    assertThatThrownBy(
            () -> decrypt(OpenPgpDecryptor.forPassphrase("guess".toCharArray()), encrypted))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE))
        .hasMessage("wrong passphrase: it does not decrypt this file");
  }

  @Test
  void aFlippedByteInTheCiphertextFailsTheIntegrityCheck() throws IOException {
    byte[] encrypted = encrypt(ENCRYPTOR, TestData.random(300_000, 3));
    for (int at : new int[] {encrypted.length / 2, encrypted.length - 5}) {
      byte[] damaged = encrypted.clone();
      damaged[at] ^= 0x40;
      assertThatThrownBy(() -> decrypt(OpenPgpDecryptor.forPassphrase(PASSPHRASE), damaged))
          .as("flipped byte at %d of %d", at, encrypted.length)
          .isInstanceOfSatisfying(
              OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INTEGRITY))
          .hasMessageStartingWith(
              "integrity check failed: the encrypted file was modified or is" + " damaged");
    }
  }

  @Test
  void aTruncatedFileFailsAsTruncated() throws IOException {
    byte[] encrypted = encrypt(ENCRYPTOR, TestData.random(300_000, 4));
    byte[] truncated = Arrays.copyOf(encrypted, encrypted.length - 1000);
    assertThatThrownBy(() -> decrypt(OpenPgpDecryptor.forPassphrase(PASSPHRASE), truncated))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessage("the encrypted file ends early: it is truncated or damaged");
  }

  @Test
  void somethingElseIsNotAnEncryptedFile() {
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThatThrownBy(() -> decrypt(OpenPgpDecryptor.forPassphrase(PASSPHRASE), gzip))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageStartingWith("not an OpenPGP encrypted file");
  }

  @Test
  void anEmptyPassphraseIsRefused() {
    assertThatThrownBy(() -> OpenPgpEncryptor.forPassphrase(new char[0]))
        .hasMessage("the passphrase is empty");
  }

  static byte[] encrypt(Encryptor encryptor, byte[] input) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = encryptor.encrypt(sink)) {
      for (int off = 0; off < input.length; off += 10_000) {
        out.write(input, off, Math.min(10_000, input.length - off));
      }
    }
    return sink.toByteArray();
  }

  static byte[] decrypt(Decryptor decryptor, byte[] encrypted) throws IOException {
    try (InputStream in = decryptor.decrypt(new ByteArrayInputStream(encrypted))) {
      return in.readAllBytes();
    }
  }
}
