package io.dbbackup.runner.restore;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.RecordedChecksum;
import io.dbbackup.runner.pipeline.CompressAndEncrypt;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import io.dbbackup.runner.verify.KeyCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A full backup's dump: one stored file, verified by {@link BackupVerifier} (and cross-checked with
 * the recorded history), then read again into psql with its SHA-256 compared to the verified one.
 */
final class StoredDump implements RestoreSource {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

  private final RestorePlan plan;
  private final Manifest manifest;
  private final BackupStore store;
  private final Duration progressInterval;
  private final Deadline deadline;
  private final Compressor compressor;
  private final Decryptor decryptor;
  private String verifiedSha256;

  StoredDump(RestorePlan plan, BackupStore store, Duration progressInterval, Deadline deadline) {
    this.plan = plan;
    this.manifest = plan.manifest();
    this.store = store;
    this.progressInterval = progressInterval;
    this.deadline = deadline;
    this.compressor = Compressor.of(manifest.compression());
    this.decryptor = plan.decryptor();
  }

  /** The target's version, then whether the key opens the file (exit 2 naming spec.decryption). */
  @Override
  public void check(RestoreTarget target) {
    target.checkVersion(manifest);
    KeyCheck.requireOpens(
        store,
        manifest,
        decryptor,
        "spec.decryption",
        "give the private key or passphrase it was encrypted with");
  }

  @Override
  public void verify(OutputStream plain) {
    LOG.atInfo().addKeyValue("event", "restore_verify").log("verifying the backup first");
    BackupVerifier.Result verified =
        new BackupVerifier(store, progressInterval)
            .verify(manifest, decryptor, deadline::expired, plain);
    if (!verified.full()) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + manifest.id() + " could not be read in full before the restore");
    }
    RecordedChecksum.crossCheck(plan.backup(), manifest.id(), verified.sha256());
    verifiedSha256 = verified.sha256();
  }

  @Override
  public Replay replay() throws IOException {
    InputStream raw = store.open(manifest.backupId(), manifest.file());
    DigestInputStream stored = new DigestInputStream(raw, RestoreSource.sha256());
    InputStream plain;
    try {
      plain = CompressAndEncrypt.read(stored, decryptor, compressor);
    } catch (IOException | RuntimeException e) {
      try (raw) {
        throw e;
      }
    }
    return new Replay() {
      @Override
      public InputStream plain() {
        return plain;
      }

      @Override
      public String changed() throws IOException {
        stored.transferTo(OutputStream.nullOutputStream());
        String streamed = Sha256.hex(stored.getMessageDigest());
        // Replaced between the verification and the restore: say so, never report success.
        return streamed.equals(verifiedSha256)
            ? null
            : manifest.file()
                + " changed after it was verified (SHA-256 "
                + streamed
                + ", verified "
                + verifiedSha256
                + ")";
      }

      @Override
      public void close() throws IOException {
        try (raw;
            stored;
            plain) {
          // closed in reverse order
        }
      }
    };
  }

  @Override
  public LoggingEventBuilder describe(LoggingEventBuilder event) {
    return event;
  }
}
