package io.dbbackup.runner.cli;

import io.dbbackup.api.v1alpha1.StorageSpec;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.VolumeStore;
import io.dbbackup.runner.store.s3.S3Store;
import java.nio.file.Path;

/** Opens the store a resource's spec.storage names. */
public final class Stores {
  private Stores() {}

  public static BackupStore open(BackupConfig config) {
    StorageSpec storage = config.spec().getStorage();
    if (storage.getVolume() != null) {
      return new VolumeStore(
          Path.of(storage.getVolume().getPath()), config.namespace(), config.name());
    }
    if (storage.getS3() != null) {
      return S3Store.open(config);
    }
    throw new RunnerException(ExitCode.INVALID_CONFIG, "spec.storage: set one of volume or s3");
  }
}
