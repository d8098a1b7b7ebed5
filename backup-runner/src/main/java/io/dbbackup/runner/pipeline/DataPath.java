package io.dbbackup.runner.pipeline;

import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.crypto.OpenPgpConfig;
import io.dbbackup.runner.crypto.Recipient;
import java.time.Instant;
import java.util.List;

/**
 * The stages a backup's bytes go through, built from the resource before anything is touched (a key
 * that cannot encrypt fails with exit 2 here): compression, optional OpenPGP encryption, and what
 * verify can decrypt with (null: a public-key backup is checked by structure only).
 */
public record DataPath(Compressor compressor, Encryptor encryptor, Decryptor verifyDecryptor) {

  public static DataPath forBackup(DatabaseBackupSpec spec, SecretFiles secrets, Instant now) {
    Compressor compressor =
        Compressor.of(spec.effectiveCompression(), spec.getCompression().getLevel());
    Encryptor encryptor = OpenPgpConfig.encryptor(spec.getEncryption(), secrets, now).orElse(null);
    Decryptor decryptor =
        encryptor == null
            ? null
            : OpenPgpConfig.verifyDecryptor(spec.getEncryption(), secrets, encryptor).orElse(null);
    return new DataPath(compressor, encryptor, decryptor);
  }

  /** {@code dump.sql.gz}, {@code dump.sql.zst.gpg}, ... */
  public String fileName() {
    return CompressAndEncrypt.fileName(compressor, encryptor);
  }

  public boolean encrypted() {
    return encryptor != null;
  }

  /** For history rows: {@code none}, {@code public-key} or {@code passphrase}. */
  public String encryptionLabel() {
    return encryptor == null ? "none" : encryptor.mode().wireName();
  }

  /** For history rows: {@code gzip-6}, {@code zstd-3}, {@code none}. */
  public String compressionLabel() {
    return compressor.level() == null
        ? compressor.algorithm().wireName()
        : compressor.algorithm().wireName() + "-" + compressor.level();
  }

  /** The key ids the encrypted file carries session keys for. */
  public List<String> recipientKeyIds() {
    return encryptor == null
        ? List.of()
        : encryptor.recipients().stream().map(Recipient::encryptionKeyId).toList();
  }
}
