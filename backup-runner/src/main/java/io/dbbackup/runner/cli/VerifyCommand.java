package io.dbbackup.runner.cli;

import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.IndexReader;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.RecordedChecksum;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.run.RunSupervisor;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import io.dbbackup.runner.verify.KeyCheck;
import io.dbbackup.runner.verify.restore.RestoreCheck;
import io.dbbackup.runner.verify.restore.RestoreVerification;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verify <id|latest>}: reads a stored backup back and checks it end to end. */
@Command(
    name = "verify",
    description =
        "Read a stored backup back: checksum file, SHA-256 and size, full decompression,"
            + " completion trailer, and the SHA-256 recorded in history when it is reachable."
            + " Exit 7 when anything does not match, or when the backup's manifest cannot be"
            + " trusted; exit 2 when there is no such backup, or when a secret file is missing or"
            + " the verify key or passphrase does not open the backup.",
    mixinStandardHelpOptions = true)
public final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "ID", description = "A backup id, or latest.")
  String id;

  @Option(
      names = "--restore",
      description =
          "Also restore the backup into a throwaway PostgreSQL (the server binaries next to"
              + " pg_dumpall, in DBBACKUP_SCRATCH_DIR) and compare its databases, roles and per-table"
              + " rows with what the dump held. Exit 7 when it does not restore or the counts differ.")
  boolean restore;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    // Every secret verify uses is read before the store is opened: a missing or empty file is
    // exit 2 naming its field, never a skipped check.
    RecordedChecksum.requireSecrets(config);
    DataPath path =
        config.spec().getEncryption() == null
            ? null
            : DataPath.forBackup(config.spec(), config.secrets(), Instant.now());
    try (RunSupervisor.Registration sigterm = RunSupervisor.plainCommand("verify");
        BackupStore store = Stores.open(config)) {
      Manifest m = stored(store, config);
      // Decrypt in full when the resource gives a passphrase or a verify key; else check the
      // checksum and the OpenPGP structure.
      Decryptor decryptor = m.encrypted() && path != null ? path.verifyDecryptor() : null;
      // A wrong verify key or passphrase is a config mistake (exit 2), not a bad backup (7).
      KeyCheck.requireOpens(
          store,
          m,
          decryptor,
          config.spec().getEncryption() != null
                  && config.spec().getEncryption().getPassphraseSecretRef() != null
              ? OpenPgpConfig.PASSPHRASE
              : OpenPgpConfig.VERIFY_KEY,
          "give the passphrase or a private key of a recipient it was encrypted for");
      if (restore) {
        return restore(store, m, decryptor);
      }
      if (m.isIncremental()) {
        return incremental(config, store, m, decryptor);
      }
      BackupVerifier.Result r =
          new BackupVerifier(store, Duration.ofSeconds(10)).verify(m, decryptor, () -> false);
      String crossCheck = RecordedChecksum.crossCheck(config, m.id(), r.sha256());
      spec.commandLine()
          .getOut()
          .printf(
              "backup %s verified: %s, sha256 %s, %s%n",
              m.id(),
              m.file(),
              r.sha256(),
              r.full()
                  ? r.dumpBytes() + " dump bytes, completion trailer present"
                  : "OpenPGP structure complete (no key here to decrypt)");
      spec.commandLine().getOut().println(crossCheck);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /**
   * The manifest of the backup {@code id} names (an id, or latest) in the store's catalog: exit 2
   * when there is no such good backup.
   */
  private Manifest stored(BackupStore store, BackupConfig config) throws IOException {
    return Catalog.read(store)
        .pick(id)
        .orElseThrow(
            () ->
                new RunnerException(
                    ExitCode.INVALID_CONFIG,
                    "no good backup "
                        + id
                        + " in "
                        + config.qualifiedName()
                        + " (see `backup-runner list`)"));
  }

  /**
   * An incremental backup: the index matches the manifest, every chunk is there with its size and
   * SHA-256; with the chunk key (and a key to decrypt, when encrypted) each decompresses to its
   * recorded size and its HMAC is its name.
   */
  private int incremental(BackupConfig config, BackupStore store, Manifest m, Decryptor decryptor) {
    ChunkIndex index = IndexReader.read(store, m);
    var inc = config.spec().getIncremental();
    ChunkKey key = inc == null ? null : ChunkKey.read(inc.getChunkKeySecretRef(), config.secrets());
    ChunkVerifier.Result r;
    try {
      r =
          new ChunkVerifier(store.chunks())
              .verify(index, IndexReader.format(m, decryptor), key, () -> false);
    } catch (java.io.IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED, "reading the chunks of " + m.id() + ": " + e.getMessage(), e);
    }
    if (r.problem() != null) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "backup " + m.id() + ": " + r.problem());
    }
    spec.commandLine()
        .getOut()
        .printf(
            "backup %s verified: %s, %d chunks there with their sizes and SHA-256%s%n",
            m.id(),
            ChunkIndex.FILE_NAME,
            r.chunks(),
            r.full()
                ? ", decompressed, every HMAC matches its name"
                : " (no key here to decrypt or no chunk key: contents not checked)");
    spec.commandLine().getOut().flush();
    return 0;
  }

  private int restore(BackupStore store, Manifest m, Decryptor decryptor) {
    RestoreCheck.Report r =
        RestoreVerification.verifyStored(store, PgTools.locate(), m, decryptor, () -> false);
    if (!r.passed()) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + m.id() + " failed verification by restore: " + r.error());
    }
    spec.commandLine()
        .getOut()
        .printf(
            "backup %s verified by restore: %d databases, %d roles, %d tables, %d rows%s in %.1f s%n",
            m.id(),
            r.databases(),
            r.roles(),
            r.tables(),
            r.rows(),
            m.content() == null ? " (no counts in the manifest: restored only)" : " as in the dump",
            r.durationSeconds());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
