package io.dbbackup.runner.backup;

import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's own disk, probed before hours of dumping find out it is too small: room for the
 * store's scratch files (an object store's large parts; in the pod the emptyDir at /tmp) and for
 * the scratch cluster of verification by restore. A shortfall is exit 4, with both figures.
 */
final class ScratchSpace {
  /** The space check's logger: its log lines name SpaceCheck, as they always did. */
  private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);

  /**
   * A restored cluster takes several times the compressed backup: {@value #RESTORE_FACTOR}x the
   * estimated stored size, or the source's pg_database_size when that is larger (the restore
   * re-creates the same tables and indexes, less their bloat), plus {@value #RESTORE_OVERHEAD_MIB}
   * MiB for initdb's catalogs and the WAL (max_wal_size of the scratch server).
   */
  static final int RESTORE_FACTOR = 5;

  static final int RESTORE_OVERHEAD_MIB = 256;

  private ScratchSpace() {}

  /** Exit 4 when the scratch directory cannot hold the upload's part files. */
  static void checkUploadParts(BackupStore.Scratch scratch, SpaceEstimate estimate) {
    long usable = usableSpace(scratch.dir());
    LOG.atInfo()
        .addKeyValue("event", "scratch_space_check")
        .addKeyValue("dir", scratch.dir())
        .addKeyValue("required_bytes", scratch.bytes())
        .addKeyValue("usable_bytes", usable)
        .addKeyValue("part_bytes", scratch.partSize())
        .addKeyValue("estimate_bytes", estimate.bytes())
        .log("scratch space check");
    if (usable < scratch.bytes()) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "not enough scratch space in "
              + scratch.dir()
              + " for the upload's parts: "
              + Sizes.human(usable)
              + " free, "
              + Sizes.human(scratch.bytes())
              + " required ("
              + scratch.files()
              + " parts of "
              + Sizes.human(scratch.partSize())
              + " for about "
              + Sizes.human(estimate.bytes())
              + " stored, from the "
              + estimate.basis()
              + "); give the runner more ephemeral storage, or lower"
              + " spec.storage.s3.partSizeMiB");
    }
  }

  /** What the scratch cluster of verification by restore needs for a backup of {@code server}. */
  static long restoreBytes(ServerInfo server, SpaceEstimate estimate) {
    long restored =
        Math.max(estimate.times(RESTORE_FACTOR), Math.max(0, server.totalDatabaseBytes()));
    long overhead = (long) RESTORE_OVERHEAD_MIB << 20;
    return restored > Long.MAX_VALUE - overhead ? Long.MAX_VALUE : restored + overhead;
  }

  /** Creates the scratch cluster's folder {@code dir} and checks its disk can hold the restore. */
  static void checkRestore(Path dir, ServerInfo server, SpaceEstimate estimate) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw cannotTell(dir, e);
    }
    checkRestore(dir, usableSpace(dir), server, estimate);
  }

  /** Exit 4 before dumping when {@code usable} bytes cannot hold the restore. */
  static void checkRestore(Path dir, long usable, ServerInfo server, SpaceEstimate estimate) {
    long required = restoreBytes(server, estimate);
    LOG.atInfo()
        .addKeyValue("event", "restore_scratch_space_check")
        .addKeyValue("dir", dir.toString())
        .addKeyValue("required_bytes", required)
        .addKeyValue("usable_bytes", usable)
        .log("scratch space check for verification by restore");
    if (usable < required) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "not enough scratch space in "
              + dir
              + " for verification by restore: "
              + Sizes.human(usable)
              + " free, "
              + Sizes.human(required)
              + " required ("
              + RESTORE_FACTOR
              + "x the estimated "
              + Sizes.human(estimate.bytes())
              + " stored, or the "
              + Sizes.human(Math.max(0, server.totalDatabaseBytes()))
              + " of pg_database_size, plus "
              + RESTORE_OVERHEAD_MIB
              + " MiB); give the runner a larger scratch volume (DBBACKUP_SCRATCH_DIR) or use"
              + " spec.verification.mode: checksum");
    }
  }

  private static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw cannotTell(dir, e);
    }
  }

  private static RunnerException cannotTell(Path dir, IOException e) {
    return new RunnerException(
        ExitCode.NOT_ENOUGH_SPACE,
        "cannot tell the free space of the scratch directory " + dir + ": " + e,
        e);
  }
}
