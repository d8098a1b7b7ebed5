package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BATCH-101: free space must be at least twice the space needed. Needed is spec.expectedSizeMiB
 * when set, else the last good backup's stored size, else an estimate from the user databases'
 * pg_database_size (less an empty database's catalogs) and the seed's ~70% compression.
 *
 * <p>The last backup's size comes from storage, so it is a claim, not a fact: a figure above {@link
 * #plausibleStoredBytes} (4x the cluster's pg_database_size plus 1 GiB: even an uncompressed dump
 * of bytea in hex, or of data TOAST had compressed, stays well below) is ignored with a warning,
 * and the arithmetic saturates instead of overflowing.
 */
public final class SpaceCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);
  static final double COMPRESSED_FRACTION = 0.3;

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
    Estimate estimate;
    try {
      usable = store.usableSpace();
      // An object store has no free space to compare with, so no need to read every manifest.
      estimate =
          expectedSizeMiB != null
              ? new Estimate(
                  saturatingMultiply(expectedSizeMiB, 1L << 20),
                  "spec.expectedSizeMiB: " + expectedSizeMiB)
              : usable.isEmpty()
                  ? fromDatabaseSize(server, algorithm)
                  : fromLastBackup(Catalog.read(store).latest(), server, algorithm);
    } catch (IOException e) {
      throw StorageErrors.classify("checking the backup target", e);
    }
    store.expectAtMost(plausibleStoredBytes(server));
    store.scratchFor(estimate.bytes()).ifPresent(s -> checkScratch(s, estimate));
    if (restoreScratch != null) {
      checkRestoreScratch(restoreScratch, usableSpace(restoreScratch), server, estimate);
    }
    if (usable.isEmpty()) {
      LOG.atInfo()
          .addKeyValue("event", "space_check")
          .addKeyValue("basis", "no free-space limit on this store")
          .log("disk space check");
      return;
    }
    long required = saturatingMultiply(estimate.bytes(), 2);
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

  /** The stored size a backup is expected to have, and what the figure rests on. */
  record Estimate(long bytes, String basis) {}

  /** The last good backup's stored size when it is plausible, else the database-size estimate. */
  static Estimate fromLastBackup(
      Optional<Manifest> last, ServerInfo server, CompressionAlgorithm algorithm) {
    if (last.isEmpty()) {
      return fromDatabaseSize(server, algorithm);
    }
    Manifest m = last.get();
    long plausible = plausibleStoredBytes(server);
    if (m.storedBytes() < 0 || m.storedBytes() > plausible) {
      Estimate fallback = fromDatabaseSize(server, algorithm);
      LOG.atWarn()
          .addKeyValue("event", "implausible_size_ignored")
          .addKeyValue("backup_id", m.id())
          .addKeyValue("stored_bytes", m.storedBytes())
          .addKeyValue("plausible_bytes", plausible)
          .log(
              "the last good backup's manifest claims an implausible stored size; it is ignored"
                  + " and the estimate comes from the database size");
      return new Estimate(
          fallback.bytes(),
          fallback.basis()
              + "; the last good backup "
              + m.id()
              + " claims "
              + m.storedBytes()
              + " bytes, which is implausible and ignored");
    }
    return new Estimate(m.storedBytes(), "last good backup " + m.id());
  }

  /** The largest stored size a backup of {@code server} can plausibly have had. */
  static long plausibleStoredBytes(ServerInfo server) {
    long total = Math.max(0, server.totalDatabaseBytes());
    long plausible = saturatingMultiply(total, 4);
    return plausible > Long.MAX_VALUE - (1L << 30) ? Long.MAX_VALUE : plausible + (1L << 30);
  }

  static long saturatingMultiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Databases every cluster has, which hold no user data worth counting. */
  static final java.util.Set<String> SYSTEM_DATABASES = java.util.Set.of("postgres", "template1");

  /** Roles, settings and schema of a dump, beyond the data: a generous floor. */
  public static final long GLOBALS_BYTES = 1L << 20;

  /**
   * The user databases' data, compressed as the seed expects: each one's pg_database_size less what
   * an empty database (template1) occupies, so catalogs of a small cluster do not count 17x.
   */
  static Estimate fromDatabaseSize(ServerInfo server, CompressionAlgorithm algorithm) {
    double fraction = algorithm == CompressionAlgorithm.NONE ? 1.0 : COMPRESSED_FRACTION;
    long empty =
        server.databases().stream()
            .filter(d -> d.name().equals("template1"))
            .mapToLong(Manifest.DatabaseInfo::sizeBytes)
            .findFirst()
            .orElse(0);
    var user =
        server.databases().stream().filter(d -> !SYSTEM_DATABASES.contains(d.name())).toList();
    long data =
        user.stream().mapToLong(d -> Math.max(0, d.sizeBytes() - empty)).reduce(0, Long::sum);
    long bytes = (long) Math.min(Long.MAX_VALUE - GLOBALS_BYTES, data * fraction) + GLOBALS_BYTES;
    String basis =
        "pg_database_size x "
            + fraction
            + " of the user databases ("
            + (user.isEmpty()
                ? "none"
                : user.stream().map(Manifest.DatabaseInfo::name).collect(Collectors.joining(", ")))
            + (empty > 0 ? ", less " + Sizes.human(empty) + " an empty database occupies" : "")
            + ") plus "
            + Sizes.human(GLOBALS_BYTES)
            + " for roles and schema";
    return new Estimate(bytes, basis);
  }

  /**
   * The runner's own disk must hold the store's scratch files (an object store's large parts)
   * before hours of dumping find out it cannot. In the pod that is the emptyDir at /tmp.
   */
  static void checkScratch(BackupStore.Scratch scratch, Estimate estimate) {
    long usable;
    try {
      usable = Files.getFileStore(scratch.dir()).getUsableSpace();
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "cannot tell the free space of the scratch directory " + scratch.dir() + ": " + e,
          e);
    }
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

  /**
   * A restored cluster takes several times the compressed backup: {@value #RESTORE_FACTOR}x the
   * estimated stored size, or the source's pg_database_size when that is larger (the restore
   * re-creates the same tables and indexes, less their bloat), plus {@value #RESTORE_OVERHEAD_MIB}
   * MiB for initdb's catalogs and the WAL (max_wal_size of the scratch server).
   */
  static final int RESTORE_FACTOR = 5;

  static final int RESTORE_OVERHEAD_MIB = 256;

  /** What the scratch cluster of verification by restore needs for a backup of {@code server}. */
  static long restoreScratchBytes(ServerInfo server, Estimate estimate) {
    long restored =
        Math.max(
            saturatingMultiply(estimate.bytes(), RESTORE_FACTOR),
            Math.max(0, server.totalDatabaseBytes()));
    long overhead = (long) RESTORE_OVERHEAD_MIB << 20;
    return restored > Long.MAX_VALUE - overhead ? Long.MAX_VALUE : restored + overhead;
  }

  /** Exit 4 before dumping when the scratch cluster's folder cannot hold the restore. */
  static void checkRestoreScratch(Path dir, long usable, ServerInfo server, Estimate estimate) {
    long required = restoreScratchBytes(server, estimate);
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
      Files.createDirectories(dir);
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "cannot tell the free space of the scratch directory " + dir + ": " + e,
          e);
    }
  }
}
