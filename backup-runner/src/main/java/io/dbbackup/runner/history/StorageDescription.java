package io.dbbackup.runner.history;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.v1alpha1.StorageSpec;

/**
 * The storage target in one line: {@code volume:/backup/database} or {@code s3://bucket/prefix}.
 */
public final class StorageDescription {
  private StorageDescription() {}

  public static String of(StorageSpec storage) {
    if (storage.getVolume() != null) {
      return "volume:" + storage.getVolume().getPath();
    }
    S3StorageSpec s3 = storage.getS3();
    String prefix = s3.getPrefix() == null || s3.getPrefix().isEmpty() ? "" : "/" + s3.getPrefix();
    return "s3://" + s3.getBucket() + prefix;
  }
}
