package io.dbbackup.runner.crypto;

import java.util.Locale;

/** How the session key of an encrypted backup is protected. */
public enum EncryptionMode {
  /** For one or more OpenPGP public keys: the cluster cannot read what it wrote. */
  PUBLIC_KEY,
  /** With a passphrase (iterated and salted S2K). */
  PASSPHRASE;

  /** The name used in manifests and history rows: {@code public-key} or {@code passphrase}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
