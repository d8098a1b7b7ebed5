package io.dbbackup.runner.backup;

import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSession;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import io.dbbackup.runner.verify.restore.RestoreCheck;
import io.dbbackup.runner.verify.restore.RestoreVerification;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full backup: one dump file (compressed, then encrypted when configured) and its checksum file,
 * read back (or restored, with verification by restore), then the manifest.
 */
final class FullDumpAndStore implements DumpAndStore {
  private static final Logger LOG =
      LoggerFactory.getLogger(BackupRun.class); // the run's lines, as before the split

  private final RunContext run;
  private final DataPath path;
  private volatile RestoreCheck streamCheck;

  FullDumpAndStore(RunContext run, DataPath path) {
    this.run = run;
    this.path = path;
  }

  @Override
  public Manifest run(
      BackupId id, Instant start, ServerInfo server, RunSession session, RunRecorder recorder) {
    DumpContent content = run.restoreVerification() ? new DumpContent() : null;
    if (content != null && path.encrypted() && path.verifyDecryptor() == null) {
      // Public keys only: restored while dumping (source stream), as a second consumer.
      streamCheck = RestoreVerification.startStream(run.tools(), run.deadline());
    }
    DumpStep.Output dump =
        new DumpStep(run.store(), run.tools(), run.settings())
            .run(
                id,
                path.fileName(),
                path.compressor(),
                path.encryptor(),
                session.connection(),
                run.deadline(),
                content,
                streamCheck == null ? null : streamCheck.input());
    run.deadline().check();

    Manifest.Verification verification = verify(id, dump, content);
    var r = dump.result();
    Manifest manifest =
        DumpAndStore.manifest(
                run, id, start, server, dump.pgDumpVersion(), path, verification, recorder)
            .formatVersion(Manifest.formatVersionFor(verification))
            .file(dump.file())
            .dumpBytes(r.dumpBytes())
            .storedBytes(r.storedBytes())
            .sha256(r.storedSha256())
            .plainSha256(r.plainSha256())
            .content(content == null ? null : content.summary())
            .build();
    DumpAndStore.writeManifest(run.store(), id, manifest);
    return manifest;
  }

  @Override
  public void close() {
    if (streamCheck != null) {
      streamCheck.close();
    }
  }

  private Manifest.Verification verify(BackupId id, DumpStep.Output dump, DumpContent content) {
    if (!run.config().spec().isVerify()) {
      return DumpAndStore.switchedOff();
    }
    run.phase("verify");
    var settings = run.settings();
    if (content != null && streamCheck != null) {
      return RestoreVerification.verifyStream(
          run.store(),
          settings.progressInterval(),
          id,
          path,
          expected(dump),
          content.summary(),
          streamCheck,
          run.deadline(),
          settings.clock());
    }
    if (content != null) {
      return RestoreVerification.verify(
          run.store(),
          run.tools(),
          settings.progressInterval(),
          id,
          path,
          expected(dump),
          content.summary(),
          run.deadline(),
          settings.clock());
    }
    return readBack(id, dump);
  }

  /** Verification by reading back: checksums, decryption where the key allows, decompression. */
  private Manifest.Verification readBack(BackupId id, DumpStep.Output dump) {
    BackupVerifier.Result result =
        new BackupVerifier(run.store(), run.settings().progressInterval())
            .verify(
                id,
                path.compressor(),
                path.verifyDecryptor(),
                path.encrypted(),
                expected(dump),
                run.deadline()::expired);
    String what =
        result.full()
            ? "read back: SHA-256 and size match, "
                + (path.encrypted() ? "decrypted (integrity checked) and " : "")
                + "decompressed fully, completion trailer present"
            : "read back: SHA-256 and size match, OpenPGP structure complete and encrypted to"
                + " every recipient (no private key here to decrypt)";
    LOG.atInfo().addKeyValue("event", "verified").addKeyValue("full", result.full()).log(what);
    return new Manifest.Verification(
        true, result.full() ? "checksum" : "checksum+openpgp-structure", run.now(), what);
  }

  private BackupVerifier.Expected expected(DumpStep.Output dump) {
    var r = dump.result();
    return new BackupVerifier.Expected(
        dump.file(),
        r.storedSha256(),
        r.storedBytes(),
        r.plainSha256(),
        r.dumpBytes(),
        path.recipientKeyIds());
  }
}
