package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Verification by restore with source {@code storage}: the stored object is read back once, and as
 * it is read its checksum, size and completion trailer are checked ({@link BackupVerifier}) and the
 * plain dump is restored into a scratch cluster ({@link RestoreCheck}). A checksum mismatch fails
 * as a checksum verification does (the files are not a backup); a restore that stops at an error,
 * or counts that differ, give a verification with {@code verified: false} and the report, for the
 * caller to keep the backup and fail.
 */
public final class RestoreVerification {
  /** How long the scratch server may take to accept connections. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private RestoreVerification() {}

  /** In a backup run: right after the dump, with the content counted in the dump pass. */
  public static Manifest.Verification verify(
      BackupStore store,
      PgTools tools,
      Duration progressInterval,
      BackupId id,
      DataPath path,
      BackupVerifier.Expected expected,
      DumpContent.Summary content,
      Deadline deadline,
      Clock clock) {
    if (path.encrypted() && path.verifyDecryptor() == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.verification.mode: restore of a backup encrypted to public keys needs"
              + " spec.encryption.verifyPrivateKeySecretRef");
    }
    RestoreCheck.Report report;
    BackupVerifier.Result read;
    try (RestoreCheck check =
        RestoreCheck.start(
            tools, ScratchCluster.root(), content.roles(), "storage", START_TIMEOUT)) {
      deadline.onExpiry(check::close);
      read = readBack(store, progressInterval, id, path, expected, deadline, check.input());
      deadline.check();
      report = check.finish(content);
      deadline.check();
    }
    return verification(report, read, clock);
  }

  /**
   * Source {@code stream}, for a backup encrypted to public keys only (the runner cannot decrypt
   * what it stored): the scratch cluster is started before the dump, and the plain dump is restored
   * as it is written ({@link RestoreCheck#input()} as the dump pass's second consumer). The caller
   * closes the check in every case.
   */
  public static RestoreCheck startStream(PgTools tools, Deadline deadline) {
    RestoreCheck check =
        RestoreCheck.start(tools, ScratchCluster.root(), null, "stream", START_TIMEOUT);
    deadline.onExpiry(check::close);
    return check;
  }

  /**
   * After a dump restored as it was written: the stored object is checked by checksum and OpenPGP
   * structure (it cannot be decrypted here), then the restore is ended and compared.
   */
  public static Manifest.Verification verifyStream(
      BackupStore store,
      Duration progressInterval,
      BackupId id,
      DataPath path,
      BackupVerifier.Expected expected,
      DumpContent.Summary content,
      RestoreCheck check,
      Deadline deadline,
      Clock clock) {
    BackupVerifier.Result read =
        readBack(store, progressInterval, id, path, expected, deadline, null);
    deadline.check();
    RestoreCheck.Report report = check.finish(content);
    deadline.check();
    return verification(report, read, clock);
  }

  /**
   * The stored backup read back by {@link BackupVerifier} with the run's data path, given up when
   * the deadline expires; the plain dump also goes to {@code plainTap} when not null.
   */
  private static BackupVerifier.Result readBack(
      BackupStore store,
      Duration progressInterval,
      BackupId id,
      DataPath path,
      BackupVerifier.Expected expected,
      Deadline deadline,
      OutputStream plainTap) {
    return new BackupVerifier(store, progressInterval)
        .verify(
            id,
            path.compressor(),
            path.verifyDecryptor(),
            path.encrypted(),
            expected,
            deadline::expired,
            plainTap);
  }

  /**
   * On demand ({@code verify --restore}): a stored backup against its manifest's counted content
   * (or, for a manifest without one, what the stored dump itself holds, so only that it restores).
   */
  public static RestoreCheck.Report verifyStored(
      BackupStore store,
      PgTools tools,
      Manifest m,
      Decryptor decryptor,
      BooleanSupplier cancelled) {
    if (m.encrypted() && decryptor == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "backup "
              + m.id()
              + " is encrypted to public keys: verify --restore needs"
              + " spec.encryption.verifyPrivateKeySecretRef (or the passphrase) to decrypt it");
    }
    DumpContent.Summary recorded = m.content();
    DumpContent readBack = new DumpContent();
    try (RestoreCheck check =
        RestoreCheck.start(
            tools,
            ScratchCluster.root(),
            recorded == null ? List.of() : recorded.roles(),
            "storage",
            START_TIMEOUT)) {
      java.io.OutputStream tap =
          new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
              readBack.update(b, off, len);
              check.input().write(b, off, len);
            }
          };
      new BackupVerifier(store, Duration.ofSeconds(10)).verify(m, decryptor, cancelled, tap);
      return check.finish(recorded != null ? recorded : readBack.summary());
    }
  }

  /** The manifest's verification for a report. */
  public static Manifest.Verification verification(
      RestoreCheck.Report report, BackupVerifier.Result read, Clock clock) {
    Manifest.Restore restore =
        new Manifest.Restore(
            report.source(),
            report.passed() ? Manifest.Restore.PASSED : Manifest.Restore.FAILED,
            report.databases(),
            report.roles(),
            report.tables(),
            report.rows(),
            report.largeObjects(),
            report.durationSeconds(),
            report.error());
    String message =
        report.passed()
            ? "read back: SHA-256 and size match, "
                + (read.full()
                    ? "decompressed fully, completion trailer present; "
                    : "OpenPGP structure complete and encrypted to every recipient; ")
                + (report.source().equals("stream")
                    ? "the plain stream restored while dumping into a scratch cluster: "
                    : "restored into a scratch cluster: ")
                + report.databases()
                + " databases, "
                + report.roles()
                + " roles, "
                + report.tables()
                + " tables, "
                + report.rows()
                + " rows as in the dump"
            : "verification by restore failed: " + report.error();
    return new Manifest.Verification(report.passed(), "restore", clock.instant(), message, restore);
  }
}
