package io.dbbackup.runner.backup;

import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk indexes of a resource's incremental backups, as the write path and the sweep read them.
 */
final class IncrementalIndexes {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalIndexes.class);

  /** Chunks sealed and stored at once by one run. */
  static final int UPLOADS = 4;

  private IncrementalIndexes() {}

  /**
   * The chunks the committed backups' indexes name (but {@code self}'s), by file: a run keeps them
   * rather than store them again. An index that cannot be read is skipped (its chunks are then
   * stored again, create-only, which keeps the stored ones).
   */
  static Map<String, ChunkIndex.Entry> known(BackupStore store, BackupId self) {
    Map<String, ChunkIndex.Entry> known = new HashMap<>();
    try {
      for (BackupId id : store.listIds()) {
        if (id.equals(self)
            || !store.exists(id, Manifest.FILE_NAME)
            || !store.exists(id, ChunkIndex.FILE_NAME)) {
          continue;
        }
        try (InputStream in = store.open(id, ChunkIndex.FILE_NAME)) {
          for (ChunkIndex.Entry e :
              ChunkIndex.decode(in, id + "/" + ChunkIndex.FILE_NAME).chunks()) {
            known.putIfAbsent(e.file(), e);
          }
        } catch (IOException e) {
          LOG.atWarn()
              .addKeyValue("event", "index_unreadable")
              .addKeyValue("backup_id", id.value())
              .addKeyValue("error", e.getMessage())
              .log("an earlier chunk index cannot be read; its chunks are checked again");
        }
      }
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "index_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("the earlier backups cannot be listed; every chunk is checked in the store");
    }
    return known;
  }
}
