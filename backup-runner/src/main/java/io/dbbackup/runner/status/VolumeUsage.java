package io.dbbackup.runner.status;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How full a backup volume is, in percent, as {@code df} reports it: used / (used + available),
 * rounded up, where used = total - unallocated (so space reserved for root counts as neither). The
 * controller's CapacityLow notification reads it from the status record.
 */
public final class VolumeUsage {
  private VolumeUsage() {}

  /** The usage of the file system holding {@code path} (or its nearest existing parent). */
  public static Optional<Integer> percent(Path path) {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return Optional.empty();
    }
    try {
      FileStore store = Files.getFileStore(existing);
      return percent(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  static Optional<Integer> percent(long total, long unallocated, long usable) {
    long used = total - unallocated;
    long base = used + usable;
    if (total <= 0 || used < 0 || base <= 0) {
      return Optional.empty();
    }
    return Optional.of((int) Math.min(100, (used * 100 + base - 1) / base));
  }
}
