package io.dbbackup.runner.crypto;

import java.io.IOException;
import java.io.InputStream;

/** Reads an encrypted backup back: the inverse of an {@link Encryptor}. */
public interface Decryptor {
  /**
   * Returns a stream of the plain bytes of {@code source}. Bytes arrive before the integrity check
   * can be done: the stream throws {@link OpenPgpException} when it reaches the end and the check
   * fails, so a consumer must read to the end before it trusts what it read. Closing it closes
   * {@code source}.
   *
   * @throws OpenPgpException when no key or passphrase given opens the file, or it is malformed
   */
  InputStream decrypt(InputStream source) throws IOException;
}
