package io.dbbackup.runner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The keyless structure check on files built by the runner and by hand. */
class OpenPgpStructureTest {
  static byte[] good;
  static int encryptedDataAt;

  @BeforeAll
  static void encrypt() throws IOException {
    good =
        OpenPgpPassphraseTest.encrypt(
            OpenPgpEncryptor.forPassphrase("s3cret".toCharArray()), TestData.random(300_000, 9));
    PacketReader packets = new PacketReader(new ByteArrayInputStream(good));
    packets.next().body().readAllBytes();
    encryptedDataAt = (int) packets.next().offset();
  }

  @Test
  void acceptsAWellFormedFileAndReportsWhatItHolds() throws IOException {
    OpenPgpStructure.Report report = check(good);
    assertThat(report.recipientKeyIds()).isEmpty();
    assertThat(report.passphrasePackets()).isEqualTo(1);
    assertThat(report.fileBytes()).isEqualTo(good.length);
    // literal packet (header, format, name, date, 300,000 bytes) + IV prefix + MDC + version
    assertThat(report.encryptedBytes()).isBetween(300_000L + 1 + 18 + 22, 300_000L + 100);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 22, 1000, 65_536, 150_000})
  void rejectsATruncatedFile(int cut) {
    byte[] truncated = Arrays.copyOf(good, good.length - cut);
    assertThatThrownBy(() -> check(truncated))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("it is truncated");
  }

  @Test
  void rejectsAFileCutBeforeItsEncryptedData() {
    byte[] sessionKeyOnly = Arrays.copyOf(good, encryptedDataAt);
    assertThatThrownBy(() -> check(sessionKeyOnly))
        .isInstanceOfSatisfying(
            OpenPgpException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessage(
            "the file ends at byte " + encryptedDataAt + " before its encrypted data packet");
  }

  @Test
  void rejectsBytesAfterTheEncryptedData() {
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    longer[good.length] = (byte) 0xcb; // a literal data packet header
    longer[good.length + 1] = 1;
    assertThatThrownBy(() -> check(longer))
        .hasMessage(
            "packet type 11 at byte "
                + good.length
                + " follows the encrypted data; the file must end there");
  }

  @Test
  void rejectsWhatIsNotOpenPgp() {
    assertThatThrownBy(() -> check(new byte[0])).hasMessage("the file is empty");
    assertThatThrownBy(() -> check(new byte[] {0x1f, (byte) 0x8b, 8}))
        .hasMessage("not an OpenPGP packet at byte 0 (0x1f): not a binary OpenPGP file");
  }

  @Test
  void rejectsDataWithoutIntegrityProtection() {
    byte[] sed = {(byte) 0x8c, 4, 4, 9, 1, 8, (byte) 0xc9, 3, 1, 2, 3};
    assertThatThrownBy(() -> check(sed))
        .hasMessage("the data is encrypted without integrity protection (packet type 9, no MDC)");
  }

  @Test
  void rejectsEncryptedDataWithoutASessionKey() {
    byte[] bare = Arrays.copyOfRange(good, encryptedDataAt, good.length);
    assertThatThrownBy(() -> check(bare))
        .hasMessage("the encrypted data has no session key packet before it");
  }

  @Test
  void rejectsAeadVersion2Data() {
    byte[] v2 = good.clone();
    v2[encryptedDataAt + 2] = 2; // after the packet's 2-byte header
    assertThatThrownBy(() -> check(v2))
        .hasMessage(
            "the integrity protected data packet is version 2; GnuPG 2.2 reads version 1 (with"
                + " MDC)");
  }

  @Test
  void requireRecipientsNamesTheMissingOnes() throws IOException {
    OpenPgpStructure.Report report =
        new OpenPgpStructure.Report(java.util.List.of("AAAAAAAAAAAAAAAA"), 0, 100, 200);
    report.requireRecipients(java.util.List.of("AAAAAAAAAAAAAAAA"));
    assertThatThrownBy(
            () ->
                report.requireRecipients(java.util.List.of("AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB")))
        .hasMessage(
            "the file is not encrypted to key ids [BBBBBBBBBBBBBBBB]; it is to [AAAAAAAAAAAAAAAA]");
  }

  static OpenPgpStructure.Report check(byte[] file) throws IOException {
    return OpenPgpStructure.check(new ByteArrayInputStream(file));
  }
}
