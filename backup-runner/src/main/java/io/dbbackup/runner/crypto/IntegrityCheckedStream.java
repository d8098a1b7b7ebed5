package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.io.EndCheckedStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;

/**
 * The plain bytes of a decrypted file, checked at the end: when the literal data is exhausted the
 * rest of the encrypted packet is read and its modification detection code compared; a mismatch
 * fails the read that would have returned end-of-stream. A file that ends early fails as truncated.
 */
final class IntegrityCheckedStream extends EndCheckedStream {
  private final PGPEncryptedData encrypted;

  IntegrityCheckedStream(InputStream plain, PGPEncryptedData encrypted, InputStream file) {
    super(plain, file);
    this.encrypted = encrypted;
  }

  @Override
  protected int readData(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    try {
      return in.read(b, off, len);
    } catch (EOFException e) {
      throw fail(truncated(e));
    }
  }

  @Override
  protected void checkEnd() throws OpenPgpException {
    boolean ok;
    try {
      ok = encrypted.verify();
    } catch (EOFException e) {
      throw fail(truncated(e));
    } catch (PGPException | IOException e) {
      throw fail(
          new OpenPgpException(
              Reason.INTEGRITY,
              "integrity check failed: the encrypted file was modified or is damaged ("
                  + e.getMessage()
                  + ")",
              e));
    }
    if (!ok) {
      throw fail(
          new OpenPgpException(
              Reason.INTEGRITY,
              "integrity check failed: the encrypted file was modified or is damaged (its"
                  + " modification detection code does not match)"));
    }
  }

  private static OpenPgpException truncated(EOFException e) {
    return new OpenPgpException(
        Reason.TRUNCATED, "the encrypted file ends early: it is truncated or damaged", e);
  }
}
