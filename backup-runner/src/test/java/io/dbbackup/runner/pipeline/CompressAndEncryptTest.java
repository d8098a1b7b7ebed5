package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.crypto.OpenPgpDecryptor;
import io.dbbackup.runner.crypto.OpenPgpEncryptor;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompressAndEncryptTest {
  static final char[] PASSPHRASE = "chain test".toCharArray();
  static final Encryptor ENCRYPT = OpenPgpEncryptor.forPassphrase(PASSPHRASE);
  static final Decryptor DECRYPT = OpenPgpDecryptor.forPassphrase(PASSPHRASE);

  @Test
  void readsBackWhatItWroteForEveryCompressionWithAndWithoutEncryption() throws IOException {
    byte[] input = TestData.text(2_000_000, 1);
    for (CompressionAlgorithm algorithm : CompressionAlgorithm.values()) {
      Compressor compressor = Compressor.of(algorithm, null);
      for (boolean encrypted : new boolean[] {false, true}) {
        byte[] stored = write(compressor, encrypted ? ENCRYPT : null, input);
        assertThat(read(stored, encrypted ? DECRYPT : null, compressor))
            .as("%s, encrypted %s", algorithm, encrypted)
            .isEqualTo(input);
      }
    }
  }

  @Test
  void namesTheFileAfterItsStages() {
    assertThat(CompressAndEncrypt.fileName(Compressor.of(CompressionAlgorithm.GZIP, 6), ENCRYPT))
        .isEqualTo("dump.sql.gz.gpg");
    assertThat(CompressAndEncrypt.fileName(Compressor.of(CompressionAlgorithm.ZSTD, 3), null))
        .isEqualTo("dump.sql.zst");
    assertThat(CompressAndEncrypt.fileName(Compressor.of(CompressionAlgorithm.NONE, null), ENCRYPT))
        .isEqualTo("dump.sql.gpg");
  }

  @Test
  void theIntegrityCheckRunsEvenWhereTheDecompressorStopsEarly() throws IOException {
    byte[] input = TestData.text(500_000, 2);
    Compressor gzip = Compressor.of(CompressionAlgorithm.GZIP, 6);
    byte[] stored = write(gzip, ENCRYPT, input);
    stored[stored.length - 3] ^= 0x01; // inside the MDC: the gzip data itself is intact
    assertThatThrownBy(() -> read(stored, DECRYPT, gzip))
        .isInstanceOfSatisfying(
            OpenPgpException.class,
            e -> assertThat(e.reason()).isEqualTo(OpenPgpException.Reason.INTEGRITY));
  }

  @Test
  void bytesAfterTheCompressedDataFailTheRead() throws IOException {
    Compressor gzip = Compressor.of(CompressionAlgorithm.GZIP, 6);
    ByteArrayOutputStream plainGzip = new ByteArrayOutputStream();
    try (OutputStream out = gzip.compress(plainGzip)) {
      out.write(TestData.text(100_000, 3));
    }
    byte[] withTail = Arrays.copyOf(plainGzip.toByteArray(), plainGzip.size() + 1_000_000);
    byte[] stored = encryptRaw(withTail);
    assertThatThrownBy(() -> read(stored, DECRYPT, gzip))
        .hasMessageEndingWith(
            " bytes follow the end of the compressed data; the file is not one we wrote");
  }

  @Test
  void aFailingSinkFailsTheChainWithItsErrorAndStopsTheCompressor() throws IOException {
    IOException full = new IOException("no space left on device");
    OutputStream sink = new ParallelGzipCompressorTest.FailingSink(100_000, full);
    OutputStream chain =
        CompressAndEncrypt.open(sink, new ParallelGzipCompressor(6, 2, 65536), ENCRYPT);
    IOException thrown = null;
    try (chain) {
      byte[] chunk = TestData.random(100_000, 4);
      for (int i = 0; i < 50; i++) {
        chain.write(chunk);
      }
    } catch (IOException e) {
      thrown = e;
    }
    assertThat(thrown).isSameAs(full);
    assertThat(ParallelGzipCompressorTest.gzipThreads()).isEmpty();
  }

  @Test
  void closeFinishesEveryStageThenThrowsTheSinksCloseError() throws IOException {
    IOException closing = new IOException("commit failed");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            bytes.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            throw closing;
          }
        };
    byte[] input = TestData.text(300_000, 5);
    Compressor gzip = Compressor.of(CompressionAlgorithm.GZIP, 6);
    OutputStream chain = CompressAndEncrypt.open(sink, gzip, ENCRYPT);
    chain.write(input);
    assertThatThrownBy(chain::close).isSameAs(closing);
    chain.close(); // once is enough
    assertThat(read(bytes.toByteArray(), DECRYPT, gzip)).isEqualTo(input);
  }

  static byte[] write(Compressor compressor, Encryptor encryptor, byte[] input) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = CompressAndEncrypt.open(sink, compressor, encryptor)) {
      for (int off = 0; off < input.length; off += 64_000) {
        out.write(input, off, Math.min(64_000, input.length - off));
      }
    }
    return sink.toByteArray();
  }

  static byte[] read(byte[] stored, Decryptor decryptor, Compressor compressor) throws IOException {
    try (InputStream in =
        CompressAndEncrypt.read(new ByteArrayInputStream(stored), decryptor, compressor)) {
      return in.readAllBytes();
    }
  }

  private static byte[] encryptRaw(byte[] data) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = ENCRYPT.encrypt(sink)) {
      out.write(data);
    }
    return sink.toByteArray();
  }
}
