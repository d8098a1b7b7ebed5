package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BATCH-101: free space must be at least twice the space needed. Needed is spec.expectedSizeMiB
 * when set, else the last good backup's stored size, else an estimate from the user databases'
 * pg_database_size (less an empty database's catalogs) and the seed's ~70% compression ({@link
 * SpaceEstimate}).
 *
 * <p>The last backup's size comes from storage, so it is a claim, not a fact: a figure above {@link
 * SpaceEstimate#plausibleStoredBytes} (4x the cluster's pg_database_size plus 1 GiB: even an
 * uncompressed dump of bytea in hex, or of data TOAST had compressed, stays well below) is ignored
 * with a warning, and the arithmetic saturates instead of overflowing.
 *
 * <p>This class owns the order of the checks and the backup target's decision; the runner's own
 * scratch disk is {@link ScratchSpace}'s.
 */
public final class SpaceCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);

  /** Roles, settings and schema of a dump, beyond the data: a generous floor. */
  public static final long GLOBALS_BYTES = 1L << 20;

  private SpaceCheck() {}

  static void check(BackupStore store, ServerInfo server, CompressionAlgorithm algorithm) {
    check(store, server, algorithm, null);
  }

  /**
   * @param expectedSizeMiB spec.expectedSizeMiB: when set, the estimate (the user's figure wins)
   */
  static void check(
      BackupStore store, ServerInfo server, CompressionAlgorithm algorithm, Long expectedSizeMiB) {
    check(store, server, algorithm, expectedSizeMiB, null);
  }

  /**
   * As {@link #check(BackupStore, ServerInfo, CompressionAlgorithm, Long)}; with {@code
   * restoreScratch} (verification by restore) the scratch cluster's folder must have room too.
   */
  static void check(
      BackupStore store,
      ServerInfo server,
      CompressionAlgorithm algorithm,
      Long expectedSizeMiB,
      Path restoreScratch) {
    checkWritable(store);
    OptionalLong usable;
    SpaceEstimate estimate;
    try {
      usable = store.usableSpace();
      estimate = estimate(store, usable.isEmpty(), server, algorithm, expectedSizeMiB);
    } catch (IOException e) {
      throw StorageErrors.classify("checking the backup target", e);
    }
    store.expectAtMost(SpaceEstimate.plausibleStoredBytes(server));
    store.scratchFor(estimate.bytes()).ifPresent(s -> ScratchSpace.checkUploadParts(s, estimate));
    if (restoreScratch != null) {
      ScratchSpace.checkRestore(restoreScratch, server, estimate);
    }
    checkTarget(usable, estimate);
  }

  private static void checkWritable(BackupStore store) {
    try {
      store.checkWritable();
    } catch (java.nio.file.NotDirectoryException e) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.storage.volume.path: "
              + e.getFile()
              + " is not a directory (the backups go into a directory there; point the path at"
              + " one, or remove the file)",
          e);
    } catch (IOException e) {
      throw StorageErrors.classify("the backup target is not writable", e);
    }
  }

  /**
   * The user's figure when set; else, for a store without a free-space limit, the database size: an
   * object store has no free space to compare with, so no need to read every manifest.
   */
  private static SpaceEstimate estimate(
      BackupStore store,
      boolean unlimited,
      ServerInfo server,
      CompressionAlgorithm algorithm,
      Long expectedSizeMiB)
      throws IOException {
    if (expectedSizeMiB != null) {
      return SpaceEstimate.fromExpectedSize(expectedSizeMiB);
    }
    return unlimited
        ? SpaceEstimate.fromDatabaseSize(server, algorithm)
        : SpaceEstimate.fromLastBackup(Catalog.read(store).latest(), server, algorithm);
  }

  /** Exit 4 when the backup target's free space is under twice the estimate. */
  private static void checkTarget(OptionalLong usable, SpaceEstimate estimate) {
    if (usable.isEmpty()) {
      LOG.atInfo()
          .addKeyValue("event", "space_check")
          .addKeyValue("basis", "no free-space limit on this store")
          .log("disk space check");
      return;
    }
    long required = estimate.times(2);
    LOG.atInfo()
        .addKeyValue("event", "space_check")
        .addKeyValue("estimate_bytes", estimate.bytes())
        .addKeyValue("required_bytes", required)
        .addKeyValue("usable_bytes", usable.getAsLong())
        .addKeyValue("basis", estimate.basis())
        .log("disk space check");
    if (usable.getAsLong() < required) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "not enough space on the backup target: "
              + Sizes.human(usable.getAsLong())
              + " free, "
              + Sizes.human(required)
              + " required (2x the estimated "
              + Sizes.human(estimate.bytes())
              + " from the "
              + estimate.basis()
              + "); free space there, or set spec.expectedSizeMiB to the size one backup"
              + " will have)");
    }
  }
}
