package io.dbbackup.runner.restore;

import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a restore restores: the backup spec.backupId picks (its manifest), the key that opens it and
 * the databases spec.databases selects from those the dump holds.
 */
final class RestorePlan {
  private final BackupConfig backup;
  private final DatabaseRestoreSpec spec;
  private final Manifest manifest;

  private RestorePlan(BackupConfig backup, DatabaseRestoreSpec spec, Manifest manifest) {
    this.backup = backup;
    this.spec = spec;
    this.manifest = manifest;
  }

  /**
   * The backup the restore names, among the good ones of the store.
   *
   * @throws RunnerException {@link ExitCode#INVALID_CONFIG} when spec.backupRef is not the given
   *     DatabaseBackup or spec.backupId names no good backup of it
   */
  static RestorePlan find(BackupConfig backup, DatabaseRestoreSpec spec, BackupStore store) {
    if (!spec.getBackupRef().getName().equals(backup.name())) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.backupRef.name: the restore names DatabaseBackup "
              + spec.getBackupRef().getName()
              + " but -f is "
              + backup.qualifiedName());
    }
    Catalog catalog;
    try {
      catalog = Catalog.read(store);
    } catch (IOException e) {
      throw StorageErrors.classify("listing backups", e);
    }
    String id = spec.getBackupId();
    Manifest manifest =
        catalog
            .pick(id)
            .orElseThrow(
                () ->
                    new RunnerException(
                        ExitCode.INVALID_CONFIG,
                        "spec.backupId: no good backup "
                            + id
                            + " of "
                            + backup.qualifiedName()
                            + " (see `backup-runner list`)"));
    return new RestorePlan(backup, spec, manifest);
  }

  Manifest manifest() {
    return manifest;
  }

  BackupConfig backup() {
    return backup;
  }

  /** The decryptor spec.decryption gives for an encrypted backup; null for a plain one. */
  Decryptor decryptor() {
    if (!manifest.encrypted()) {
      return null;
    }
    if (spec.getDecryption() == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.decryption: backup "
              + manifest.id()
              + " is encrypted ("
              + manifest.encryption().mode()
              + (manifest.encryption().recipients() == null
                  ? ""
                  : ", for " + manifest.encryption().recipients())
              + "); set privateKeySecretRef or passphraseSecretRef");
    }
    return OpenPgpConfig.restoreDecryptor(spec.getDecryption(), backup.secrets());
  }

  /**
   * The databases spec.databases selects, each one the backup holds ({@code sections}: those the
   * dump has sections for); empty for all of them. The roles and other globals are restored either
   * way: the databases' objects need their owners.
   */
  Set<String> selection(Set<String> sections) {
    List<String> wanted = spec.getDatabases() == null ? List.of() : spec.getDatabases();
    if (wanted.isEmpty()) {
      return Set.of();
    }
    List<String> held = List.copyOf(sections);
    List<String> unknown = wanted.stream().filter(d -> !held.contains(d)).toList();
    if (!unknown.isEmpty()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.databases: backup "
              + manifest.id()
              + " holds no database "
              + String.join(", ", unknown)
              + " (it holds "
              + String.join(", ", held)
              + ")");
    }
    return new LinkedHashSet<>(wanted);
  }
}
