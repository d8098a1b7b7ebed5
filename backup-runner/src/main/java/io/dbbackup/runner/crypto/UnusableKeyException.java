package io.dbbackup.runner.crypto;

/**
 * A configured key that cannot be used: not OpenPGP, a private key where a public one belongs,
 * revoked, expired, unable to encrypt, or locked by a passphrase that was not given. The message
 * names the key (its source and fingerprint), never its material.
 */
public final class UnusableKeyException extends RuntimeException {
  public UnusableKeyException(String message) {
    super(message);
  }

  public UnusableKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
