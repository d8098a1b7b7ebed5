package io.dbbackup.runner.restore;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.chunk.ChunkFormat;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkStream;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.IndexReader;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An incremental backup's dump: its index (checked against the manifest), every chunk there with
 * its size (a missing one refused, exit 7, before the target is touched), then the whole dump read
 * once, each chunk decrypted, decompressed and its HMAC checked, and the plain dump's SHA-256
 * compared with the manifest's; for psql the chunks are streamed again, checked again.
 */
final class ChunkedDump implements RestoreSource {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

  private final BackupConfig backup;
  private final Manifest manifest;
  private final BackupStore store;
  private final Deadline deadline;
  private final Decryptor decryptor;
  private ChunkKey key;
  private ChunkIndex index;
  private ChunkFormat format;

  ChunkedDump(RestorePlan plan, BackupStore store, Deadline deadline) {
    this.backup = plan.backup();
    this.manifest = plan.manifest();
    this.store = store;
    this.deadline = deadline;
    this.decryptor = plan.decryptor();
  }

  /** The chunk key, the target's version, the index and that every chunk is there. */
  @Override
  public void check(RestoreTarget target) {
    var inc = backup.spec().getIncremental();
    if (inc == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          ChunkKey.FIELD
              + ": backup "
              + manifest.id()
              + " is incremental; the DatabaseBackup given with -f must name its chunk key");
    }
    key = ChunkKey.read(inc.getChunkKeySecretRef(), backup.secrets());
    target.checkVersion(manifest);
    index = IndexReader.read(store, manifest);
    String missing;
    try {
      missing = new ChunkVerifier(store.chunks()).present(index);
    } catch (IOException e) {
      throw StorageErrors.classify("checking the chunks of " + manifest.id(), e);
    }
    if (missing != null) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + manifest.id() + ": " + missing + "; nothing was restored");
    }
    format = IndexReader.format(manifest, decryptor);
  }

  @Override
  public void verify(OutputStream tap) {
    LOG.atInfo()
        .addKeyValue("event", "restore_verify")
        .addKeyValue("chunks", index.chunks().size())
        .log("verifying the backup's chunks first");
    try (DigestInputStream plain = new DigestInputStream(chunks(), RestoreSource.sha256())) {
      plain.transferTo(tap);
      String sha = Sha256.hex(plain.getMessageDigest());
      if (manifest.plainSha256() != null && !sha.equals(manifest.plainSha256())) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "backup "
                + manifest.id()
                + ": the chunks make a dump of SHA-256 "
                + sha
                + ", the manifest records "
                + manifest.plainSha256()
                + "; nothing was restored");
      }
    } catch (ChunkStream.BadChunkException e) {
      throw badChunk(e);
    } catch (IOException e) {
      deadline.check();
      throw StorageErrors.classify("reading the chunks of " + manifest.id(), e);
    }
  }

  /** A key that does not open the chunks is exit 2 naming spec.decryption; damage is exit 7. */
  private RunnerException badChunk(ChunkStream.BadChunkException e) {
    if (e.getCause() instanceof OpenPgpException pgp
        && (pgp.reason() == OpenPgpException.Reason.NO_MATCHING_KEY
            || pgp.reason() == OpenPgpException.Reason.WRONG_PASSPHRASE)) {
      return new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.decryption: the key given does not open backup "
              + manifest.id()
              + ": "
              + pgp.getMessage()
              + " (give the private key or passphrase it was encrypted with)",
          e);
    }
    deadline.check();
    return new RunnerException(
        ExitCode.VERIFICATION_FAILED,
        "backup " + manifest.id() + ": " + e.getMessage() + "; nothing was restored",
        e);
  }

  private ChunkStream chunks() {
    return new ChunkStream(store.chunks(), index, format, key, deadline::expired);
  }

  /** The chunks again: one that changed since the verification fails the copy into psql. */
  @Override
  public Replay replay() {
    ChunkStream chunks = chunks();
    return new Replay() {
      @Override
      public InputStream plain() {
        return chunks;
      }

      @Override
      public String changed() {
        return null;
      }

      @Override
      public void close() throws IOException {
        chunks.close();
      }
    };
  }

  @Override
  public LoggingEventBuilder describe(LoggingEventBuilder event) {
    return event.addKeyValue("chunks", index.chunks().size());
  }
}
