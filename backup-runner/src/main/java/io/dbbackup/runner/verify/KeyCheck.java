package io.dbbackup.runner.verify;

import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A key or passphrase that does not open a backup is a problem of the field that gives it (exit 2),
 * not of the backup (exit 7): found by opening the file's key packets, before anything is verified.
 * Damage and read errors are left for the verification to report.
 */
public final class KeyCheck {
  private KeyCheck() {}

  /**
   * @param field where the resource gives the key, e.g. {@code spec.decryption}
   * @param hint what to put there instead, for the message
   * @throws RunnerException {@link ExitCode#INVALID_CONFIG} when the key or passphrase is wrong
   */
  public static void requireOpens(
      BackupStore store, Manifest manifest, Decryptor decryptor, String field, String hint) {
    if (decryptor == null) {
      return;
    }
    try (InputStream in = decryptor.decrypt(store.open(manifest.backupId(), manifest.file()))) {
      // Opening decrypts the session key; the data is read and checked by the verification.
    } catch (OpenPgpException e) {
      if (e.reason() == OpenPgpException.Reason.NO_MATCHING_KEY
          || e.reason() == OpenPgpException.Reason.WRONG_PASSPHRASE) {
        throw new RunnerException(
            ExitCode.INVALID_CONFIG,
            field
                + ": the key given does not open backup "
                + manifest.id()
                + ": "
                + e.getMessage()
                + " ("
                + hint
                + ")",
            e);
      }
      // Damage is for the verification to report.
    } catch (IOException e) {
      // Reading is for the verification to report, with its own failure class.
    }
  }
}
