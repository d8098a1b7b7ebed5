package io.dbbackup.runner.backup;

import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the chunks no remaining index names, after retention, under the run's lock. Safety rules:
 * every backup folder's index is read, with or without a manifest (a folder whose manifest
 * retention deleted, or a run that failed after its index, keeps its chunks until the folder is
 * gone); a folder younger than the abandon age with neither manifest nor index (a run that may
 * still be storing chunks) stops the sweep; if any listing or any index cannot be read, no chunk is
 * deleted.
 */
final class ChunkSweep {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkSweep.class);

  /** What the sweep did: chunks deleted, their bytes, and why it did less (warnings). */
  record Result(int deleted, long bytes, int failed, List<String> warnings) {}

  private ChunkSweep() {}

  static Result sweep(BackupStore store, Instant abandonedBefore) {
    ChunkStore chunks = store.chunks();
    Set<String> referenced = new HashSet<>();
    try {
      for (BackupId id : store.listIds()) {
        if (store.exists(id, ChunkIndex.FILE_NAME)) {
          try (InputStream in = store.open(id, ChunkIndex.FILE_NAME)) {
            for (ChunkIndex.Entry e :
                ChunkIndex.decode(in, id + "/" + ChunkIndex.FILE_NAME).chunks()) {
              referenced.add(e.file());
            }
          }
        } else if (!store.exists(id, Manifest.FILE_NAME)
            && !id.startTime().isBefore(abandonedBefore)) {
          return skipped("backup folder " + id + " has no index yet (a run may be storing chunks)");
        }
      }
    } catch (IOException | RuntimeException e) {
      return skipped("an index could not be listed or read (" + e.getMessage() + ")");
    }
    List<ChunkStore.StoredChunk> unreferenced = new ArrayList<>();
    try {
      chunks.list(
          c -> {
            if (!referenced.contains(c.file())) {
              unreferenced.add(c);
            }
          });
    } catch (IOException | RuntimeException e) {
      return skipped("the chunks could not be listed (" + e.getMessage() + ")");
    }
    int deleted = 0;
    int failed = 0;
    long bytes = 0;
    for (ChunkStore.StoredChunk c : unreferenced) {
      try {
        chunks.delete(c.file());
        deleted++;
        bytes += c.bytes();
      } catch (IOException e) {
        failed++;
        LOG.atWarn()
            .addKeyValue("event", "chunk_delete_failed")
            .addKeyValue("chunk", c.file())
            .addKeyValue("error", e.getMessage())
            .log("could not delete an unreferenced chunk; the next good run retries");
      }
    }
    return swept(referenced.size(), deleted, bytes, failed);
  }

  private static Result swept(int referenced, int deleted, long bytes, int failed) {
    LOG.atInfo()
        .addKeyValue("event", "chunk_sweep")
        .addKeyValue("referenced", referenced)
        .addKeyValue("deleted", deleted)
        .addKeyValue("deleted_bytes", bytes)
        .addKeyValue("failed", failed)
        .log("unreferenced chunks deleted");
    return new Result(
        deleted,
        bytes,
        failed,
        failed == 0 ? List.of() : List.of(failed + " unreferenced chunk(s) could not be deleted"));
  }

  private static Result skipped(String why) {
    String warning = "chunk sweep skipped: " + why + "; no chunk is deleted";
    LOG.atWarn().addKeyValue("event", "chunk_sweep_skipped").log(warning);
    return new Result(0, 0, 0, List.of(warning));
  }
}
