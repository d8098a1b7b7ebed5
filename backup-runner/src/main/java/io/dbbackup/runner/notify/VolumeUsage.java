package io.dbbackup.runner.notify;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the backup volume's file system is after a run. */
record VolumeUsage(Path path, long totalBytes, long usableBytes) {
  /** The usage of the file system holding {@code path}, or null when it cannot be read. */
  static VolumeUsage of(Path path) {
    try {
      FileStore store = Files.getFileStore(path);
      return new VolumeUsage(path, store.getTotalSpace(), store.getUsableSpace());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Used share in percent, 0-100 (space reserved for root counts as used: we cannot write it). */
  double usedPercent() {
    return totalBytes <= 0 ? 0 : 100.0 * (totalBytes - usableBytes) / totalBytes;
  }
}
