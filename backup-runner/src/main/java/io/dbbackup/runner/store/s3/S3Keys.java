package io.dbbackup.runner.store.s3;

import io.dbbackup.runner.store.BackupId;
import java.util.Optional;

/**
 * The object layout of one DatabaseBackup: {@code <prefix>/<namespace>/<name>/<id>/<file>}, and
 * runner state under {@code <prefix>/<namespace>/<name>/.state/<name>}.
 */
record S3Keys(String bucket, String root) {
  static final String STATE = ".state";

  static S3Keys of(String bucket, String prefix, String namespace, String name) {
    String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    return new S3Keys(bucket, (p.isEmpty() ? "" : p + "/") + namespace + "/" + name);
  }

  /** Every key of this resource starts with this. */
  String rootPrefix() {
    return root + "/";
  }

  /** Every key of one backup starts with this. */
  String folder(BackupId id) {
    return rootPrefix() + id.value() + "/";
  }

  /** {@code file} under the backup's own prefix; a name that could leave it is refused. */
  String key(BackupId id, String file) {
    return folder(id) + io.dbbackup.runner.store.BackupStore.checkFileName(file);
  }

  String stateFolder() {
    return rootPrefix() + STATE + "/";
  }

  String state(String name) {
    return stateFolder() + name;
  }

  /** Every chunk's key starts with this: {@code <root>/chunks/}. */
  String chunksFolder() {
    return rootPrefix() + io.dbbackup.runner.store.ChunkStore.FOLDER + "/";
  }

  /**
   * A chunk's key: {@code file} ({@code chunks/ab/ab….zst}) under the root; anything else refused.
   */
  String chunk(String file) {
    return rootPrefix() + io.dbbackup.runner.store.ChunkStore.checkFile(file);
  }

  /** The backup a common prefix {@code <root>/<id>/} of a delimited listing names, if any. */
  Optional<BackupId> idOf(String commonPrefix) {
    if (!commonPrefix.startsWith(rootPrefix()) || !commonPrefix.endsWith("/")) {
      return Optional.empty();
    }
    return BackupId.parse(commonPrefix.substring(rootPrefix().length(), commonPrefix.length() - 1));
  }

  String url(String key) {
    return "s3://" + bucket + "/" + key;
  }
}
