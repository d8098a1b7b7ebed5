package io.dbbackup.runner;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BATCH-101: free space must be at least twice the space needed. Needed is the last good backup's
 * stored size, else an estimate from pg_database_size and the seed's ~70% compression.
 */
final class SpaceCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);
  static final double COMPRESSED_FRACTION = 0.3;

  private SpaceCheck() {}

  static void check(BackupStore store, ServerInfo server, CompressionAlgorithm algorithm) {
    try {
      store.checkWritable();
    } catch (IOException e) {
      throw StorageErrors.classify("the backup target is not writable", e);
    }
    OptionalLong usable;
    Catalog catalog;
    try {
      usable = store.usableSpace();
      if (usable.isEmpty()) {
        // An object store: no free space to compare with, so no need to read every manifest.
        LOG.atInfo()
            .addKeyValue("event", "space_check")
            .addKeyValue("basis", "no free-space limit on this store")
            .log("disk space check");
        return;
      }
      catalog = Catalog.read(store);
    } catch (IOException e) {
      throw StorageErrors.classify("checking the backup target", e);
    }
    long estimate;
    String basis;
    var last = catalog.latest();
    if (last.isPresent()) {
      estimate = last.get().storedBytes();
      basis = "last good backup " + last.map(Manifest::id).get();
    } else {
      double fraction = algorithm == CompressionAlgorithm.NONE ? 1.0 : COMPRESSED_FRACTION;
      estimate = (long) (server.totalDatabaseBytes() * fraction);
      basis = "pg_database_size x " + fraction;
    }
    long required = 2 * estimate;
    LOG.atInfo()
        .addKeyValue("event", "space_check")
        .addKeyValue("estimate_bytes", estimate)
        .addKeyValue("required_bytes", required)
        .addKeyValue("usable_bytes", usable.getAsLong())
        .addKeyValue("basis", basis)
        .log("disk space check");
    if (usable.getAsLong() < required) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "not enough space on the backup target: "
              + Sizes.human(usable.getAsLong())
              + " free, "
              + Sizes.human(required)
              + " required (2x the estimated "
              + Sizes.human(estimate)
              + " from the "
              + basis
              + ")");
    }
  }
}
