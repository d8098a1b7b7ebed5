package io.dbbackup.runner.backup;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.chunk.ChunkFormat;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.ChunkWriter;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSession;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental backup: the dump's chunks (the known ones kept), then {@code index.json}, then the
 * verification (every chunk there with its size and SHA-256; decrypted and its HMAC checked where
 * the key allows), then the manifest.
 */
final class IncrementalDumpAndStore implements DumpAndStore {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class); // the run's lines

  private final RunContext run;
  private final DataPath path;
  private final ChunkKey key;

  IncrementalDumpAndStore(RunContext run, DataPath path, ChunkKey key) {
    this.run = run;
    this.path = path;
    this.key = key;
  }

  @Override
  public Manifest run(
      BackupId id, Instant start, ServerInfo server, RunSession session, RunRecorder recorder) {
    ChunkFormat format =
        new ChunkFormat(
            path.compressor().algorithm(),
            path.compressor().level(),
            path.encryptor(),
            path.verifyDecryptor());
    ChunkStore chunks = run.store().chunks();
    Map<String, ChunkIndex.Entry> known = IncrementalIndexes.known(run.store(), id);
    DumpStep.ChunkedOutput dump;
    try (ChunkWriter writer =
        new ChunkWriter(chunks, key, format, known, IncrementalIndexes.UPLOADS, null)) {
      dump =
          new DumpStep(run.store(), run.tools(), run.settings())
              .runIncremental(id, writer, format.ext(), session.connection(), run.deadline(), null);
    }
    run.deadline().check();
    ChunkIndex index = dump.chunks().index();
    byte[] encoded = index.encode();
    String indexSha = sha256(encoded);
    DumpAndStore.write(run.store(), id, ChunkIndex.FILE_NAME, encoded);
    Manifest.Verification verification =
        run.config().spec().isVerify()
            ? verify(id, chunks, index, format)
            : DumpAndStore.switchedOff();
    var res = dump.result();
    Manifest manifest =
        DumpAndStore.manifest(
                run, id, start, server, dump.pgDumpVersion(), path, verification, recorder)
            .formatVersion(Manifest.FORMAT_VERSION)
            .file(ChunkIndex.FILE_NAME)
            .dumpBytes(res.dumpBytes())
            .storedBytes(dump.chunks().newBytes())
            .sha256(indexSha)
            .plainSha256(res.plainSha256())
            .incremental(
                new Manifest.Incremental(
                    ChunkIndex.FILE_NAME,
                    index.chunks().size(),
                    dump.chunks().newChunks(),
                    index.storedBytes()))
            .build();
    DumpAndStore.writeManifest(run.store(), id, manifest);
    return manifest;
  }

  /** Every chunk the index names read back; a problem fails the run. */
  private Manifest.Verification verify(
      BackupId id, ChunkStore chunks, ChunkIndex index, ChunkFormat format) {
    run.phase("verify");
    ChunkVerifier.Result r;
    try {
      r = new ChunkVerifier(chunks).verify(index, format, key, run.deadline()::expired);
    } catch (IOException e) {
      run.deadline().check();
      throw StorageErrors.classify("reading chunks back from " + run.store().location(id), e);
    }
    if (r.problem() != null) {
      throw new RunnerException(ExitCode.VERIFICATION_FAILED, "backup " + id + ": " + r.problem());
    }
    String what =
        "read back: every chunk ("
            + index.chunks().size()
            + ") there with its size and SHA-256"
            + (r.full()
                ? ", " + (format.encrypted() ? "decrypted, " : "") + "decompressed, HMAC matches"
                : " (no private key here to decrypt)");
    LOG.atInfo().addKeyValue("event", "verified").addKeyValue("full", r.full()).log(what);
    return new Manifest.Verification(
        true, r.full() ? "checksum" : "checksum+openpgp-structure", run.now(), what);
  }

  private static String sha256(byte[] b) {
    return Sha256.hex(b);
  }
}
