package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.crypto.OpenPgpEncryptor;
import io.dbbackup.runner.support.Gpg;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.runner.support.TestData;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The restore promise of README.md "Restore" with stock tools only: {@code gpg -d dump.sql.gz.gpg |
 * gunzip} (and {@code | zstd -d}) gives back the dump, for a key and for a passphrase.
 */
class CompressAndEncryptGpgIT {
  static final String PASSPHRASE = "restore me";

  @TempDir static Path home;
  static Gpg gpg;
  static Encryptor toKey;

  @TempDir Path dir;

  @BeforeAll
  static void key() throws Exception {
    gpg = new Gpg(home.resolve("gnupg"));
    Gpg.Key key = gpg.generate("Ops <ops@example.com>", "default");
    toKey =
        OpenPgpEncryptor.forPublicKeys(
            Map.of("ops.asc", gpg.exportPublic(key.fingerprint())), Instant.now());
  }

  @AfterAll
  static void stopAgent() throws Exception {
    gpg.close();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({
    "gzip, key, gunzip",
    "zstd, key, zstd -q -d",
    "gzip, passphrase, gunzip",
    "none, key, cat"
  })
  void stockToolsAloneRestoreTheDump(String algorithm, String mode, String decompress)
      throws Exception {
    byte[] input = TestData.text(6_000_000, algorithm.hashCode());
    Path plain = Files.write(dir.resolve("plain.sql"), input);
    Compressor compressor =
        Compressor.of(CompressionAlgorithm.valueOf(algorithm.toUpperCase()), null);
    Encryptor encryptor =
        mode.equals("key") ? toKey : OpenPgpEncryptor.forPassphrase(PASSPHRASE.toCharArray());
    Path stored = dir.resolve(CompressAndEncrypt.fileName(compressor, encryptor));
    try (OutputStream out =
        CompressAndEncrypt.open(Files.newOutputStream(stored), compressor, encryptor)) {
      out.write(input);
    }

    Path passphraseFile = Files.writeString(dir.resolve("pass"), PASSPHRASE);
    String decrypt =
        mode.equals("key")
            ? "gpg --batch -d"
            : "gpg --batch --pinentry-mode loopback --no-symkey-cache --passphrase-file "
                + passphraseFile
                + " -d";
    Path restored = dir.resolve("restored.sql");
    StockTools.Result result =
        gpg.shell(decrypt + " " + stored + " | " + decompress + " > " + restored);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.mismatch(plain, restored)).isEqualTo(-1L);
  }
}
