package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.io.SingleByteRead;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;

/**
 * The plain bytes of a decrypted file, checked at the end: when the literal data is exhausted the
 * rest of the encrypted packet is read and its modification detection code compared; a mismatch
 * fails the read that would have returned end-of-stream. A file that ends early fails as truncated.
 */
final class IntegrityCheckedStream extends FilterInputStream {
  private final PGPEncryptedData encrypted;
  private final InputStream file;
  private OpenPgpException failure;
  private boolean verified;

  IntegrityCheckedStream(InputStream plain, PGPEncryptedData encrypted, InputStream file) {
    super(plain);
    this.encrypted = encrypted;
    this.file = file;
  }

  @Override
  public int read() throws IOException {
    return SingleByteRead.from(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (EOFException e) {
      throw fail(truncated(e));
    }
    if (n < 0) {
      verify();
    }
    return n;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } finally {
      file.close();
    }
  }

  private void verify() throws OpenPgpException {
    if (verified) {
      return;
    }
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
    verified = true;
  }

  private OpenPgpException fail(OpenPgpException e) {
    failure = e;
    return e;
  }

  private static OpenPgpException truncated(EOFException e) {
    return new OpenPgpException(
        Reason.TRUNCATED, "the encrypted file ends early: it is truncated or damaged", e);
  }
}
