package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where one DatabaseBackup's backups live: {@code <base>/<namespace>/<name>/<id>/<file>}. A backup
 * is a folder; its manifest, written last, is the commit marker.
 */
public interface BackupStore extends AutoCloseable {
  /** Where a backup is, for people: a directory or an s3:// URL. */
  String location(BackupId id);

  /** Checks the store can be written, creating the resource's folder if needed. */
  void checkWritable() throws IOException;

  /** Bytes free for new backups, when the store can tell. */
  OptionalLong usableSpace() throws IOException;

  /**
   * Told before the dump the most a backup of this run can plausibly store: a store whose writes
   * need a size fixed up front (S3's equal parts) sizes them from it.
   */
  default void expectAtMost(long storedBytes) {}

  /**
   * Local scratch space a backup of about {@code storedBytes} needs on the runner's own disk while
   * it is written, if any (an object store's parts too large for memory).
   */
  default Optional<Scratch> scratchFor(long storedBytes) {
    return Optional.empty();
  }

  /**
   * Scratch space: {@code bytes} at most in {@code dir}, for parts of up to {@code partSize}.
   *
   * @param files how many parts can be in scratch files at once
   */
  record Scratch(Path dir, long bytes, long partSize, int files) {}

  /** Opens a new file for writing; it becomes visible only on {@link StoreWriter#commit()}. */
  StoreWriter create(BackupId id, String fileName) throws IOException;

  /** Reads a committed file. */
  InputStream open(BackupId id, String fileName) throws IOException;

  boolean exists(BackupId id, String fileName) throws IOException;

  /** The ids of every backup folder (committed or not), oldest first. */
  List<BackupId> listIds() throws IOException;

  /** Deletes a file if present. */
  void delete(BackupId id, String fileName) throws IOException;

  /** Deletes a backup: the manifest first, so a half-deleted backup never looks good. */
  void deleteBackup(BackupId id) throws IOException;

  /** Writes a small state file beside the backups (e.g. a history row not yet recorded). */
  void putState(String name, byte[] content) throws IOException;

  /** Names of the state files, in name order. */
  List<String> listState() throws IOException;

  byte[] readState(String name) throws IOException;

  void deleteState(String name) throws IOException;

  /**
   * The chunk store of this resource's incremental backups ({@code <resource>/chunks/}), shared by
   * all of them.
   */
  default ChunkStore chunks() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no chunks");
  }

  @Override
  default void close() throws IOException {}

  /**
   * Refuses a file name that is not one plain name inside a backup's folder (a separator, {@code .}
   * or {@code ..}, a control character): names can come from storage, and must never reach outside
   * the backup they were read from.
   */
  static String checkFileName(String fileName) {
    if (fileName == null
        || fileName.isEmpty()
        || fileName.length() > 255
        || fileName.equals(".")
        || fileName.equals("..")
        || fileName.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "refused file name "
              + (fileName == null ? "null" : "\"" + fileName.replaceAll("\\p{Cntrl}", "?") + "\"")
              + ": expected a plain name inside the backup's folder");
    }
    return fileName;
  }

  /**
   * The run is being stopped (its timeout or a SIGTERM): requests in flight may be given up, and
   * cleanup is kept short. Called from another thread than the run's.
   */
  default void stop() {}
}
