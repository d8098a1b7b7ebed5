package io.dbbackup.runner.crypto;

import java.io.IOException;

/**
 * An encrypted file that cannot be read, and why. Messages name key ids and fingerprints, never key
 * material or passphrases.
 */
public final class OpenPgpException extends IOException {
  /** Why the file cannot be read. */
  public enum Reason {
    /** None of the keys given is a recipient, or the file wants a passphrase (or the reverse). */
    NO_MATCHING_KEY,
    /** The passphrase given does not open the file or the private key. */
    WRONG_PASSPHRASE,
    /** The integrity check (MDC) failed: the ciphertext was changed or damaged. */
    INTEGRITY,
    /** The file ends before its last packet does. */
    TRUNCATED,
    /** Not a well-formed OpenPGP encrypted file of the kind the runner writes and reads. */
    MALFORMED
  }

  private final Reason reason;

  public OpenPgpException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public OpenPgpException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
