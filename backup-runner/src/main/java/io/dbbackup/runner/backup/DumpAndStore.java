package io.dbbackup.runner.backup;

import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSession;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestBuilder;
import io.dbbackup.runner.store.ManifestCodec;
import java.io.IOException;
import java.time.Instant;

/**
 * The dump phase of a backup run: pg_dumpall into the store, read back (verify), then {@code
 * manifest.json}, written last. Two kinds: a full backup ({@link FullDumpAndStore}: one dump file)
 * and an incremental one ({@link IncrementalDumpAndStore}: chunks and their index). Closing it
 * releases what it started (a restore fed while dumping).
 */
interface DumpAndStore extends AutoCloseable {

  /** Dumps, stores and verifies the backup {@code id}, then writes its manifest and returns it. */
  Manifest run(
      BackupId id, Instant start, ServerInfo server, RunSession session, RunRecorder recorder);

  @Override
  default void close() {}

  /** The full backup, or the incremental one when the run has a chunk key. */
  static DumpAndStore of(RunContext run, DataPath path, ChunkKey chunkKey) {
    return chunkKey == null
        ? new FullDumpAndStore(run, path)
        : new IncrementalDumpAndStore(run, path, chunkKey);
  }

  /** The verification of a run with verification switched off. */
  static Manifest.Verification switchedOff() {
    return new Manifest.Verification(false, "none", null, "verification is switched off");
  }

  /** The fields every manifest of this run has; the caller adds the file's and builds it. */
  static ManifestBuilder manifest(
      RunContext run,
      BackupId id,
      Instant start,
      ServerInfo server,
      String pgDumpVersion,
      DataPath path,
      Manifest.Verification verification,
      RunRecorder recorder) {
    return Manifest.builder()
        .id(id.value())
        .resource(run.resource())
        .startTime(start)
        .endTime(run.now())
        .serverVersion(server.version())
        .pgDumpVersion(pgDumpVersion)
        .databases(server.databases())
        .compression(compression(path))
        .encryption(encryption(path))
        .verification(verification)
        .auditChainHead(recorder.head() == null ? null : recorder.head().toString());
  }

  /** The manifest's record of how the bytes were compressed. */
  static Manifest.Compression compression(DataPath path) {
    return new Manifest.Compression(
        path.compressor().algorithm().wireName(), path.compressor().level());
  }

  /** The manifest's record of how they were encrypted, or null. */
  static Manifest.Encryption encryption(DataPath path) {
    return path.encryptor() == null
        ? null
        : new Manifest.Encryption(
            path.encryptor().mode().wireName(),
            path.encryptor().recipientFingerprints(),
            path.recipientKeyIds());
  }

  /** Writes {@code name} into the backup's folder, committed (fsync, atomic rename). */
  static void write(BackupStore store, BackupId id, String name, byte[] content) {
    try (var w = store.create(id, name)) {
      w.stream().write(content);
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/" + name, e);
    }
  }

  /** Writes {@code manifest.json}: the backup's commit marker, last. */
  static void writeManifest(BackupStore store, BackupId id, Manifest manifest) {
    write(store, id, Manifest.FILE_NAME, ManifestCodec.encode(manifest));
  }
}
