package io.dbbackup.runner.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** One stage of the data path: wraps the stream below it with encryption. */
public interface Encryptor {
  /** The suffix of an OpenPGP-encrypted file, as gpg writes it. */
  String SUFFIX = ".gpg";

  EncryptionMode mode();

  /** Whom the backup is encrypted for; empty in passphrase mode. */
  List<Recipient> recipients();

  /**
   * Returns a stream that encrypts into {@code sink}. Closing it finishes the format (the integrity
   * check and the last packet) and then closes {@code sink}.
   */
  OutputStream encrypt(OutputStream sink) throws IOException;

  /** What the manifest records: the recipients' primary-key fingerprints. */
  default List<String> recipientFingerprints() {
    return recipients().stream().map(Recipient::fingerprint).toList();
  }
}
