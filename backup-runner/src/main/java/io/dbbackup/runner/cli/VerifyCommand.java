package io.dbbackup.runner.cli;

import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.Stores;
import io.dbbackup.runner.verify.BackupVerifier;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verify <id|latest>}: reads a stored backup back and checks it end to end. */
@Command(
    name = "verify",
    description =
        "Read a stored backup back: checksum file, SHA-256 and size, full decompression,"
            + " completion trailer. Exit 7 when anything does not match.",
    mixinStandardHelpOptions = true)
public final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "ID", description = "A backup id, or latest.")
  String id;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    try (BackupStore store = Stores.open(config)) {
      Catalog catalog = Catalog.read(store);
      Manifest m =
          ("latest".equals(id) ? catalog.latest() : catalog.find(id))
              .orElseThrow(
                  () ->
                      new RunnerException(
                          ExitCode.VERIFICATION_FAILED,
                          "no good backup "
                              + id
                              + " in "
                              + config.qualifiedName()
                              + " (see `backup-runner list`)"));
      Compressor compressor = Compressor.of(m.compression());
      BackupVerifier.Result r =
          new BackupVerifier(store, Duration.ofSeconds(10))
              .verify(
                  m.backupId(),
                  compressor,
                  new BackupVerifier.Expected(
                      m.file(), m.sha256(), m.storedBytes(), m.plainSha256(), m.dumpBytes()),
                  () -> false);
      spec.commandLine()
          .getOut()
          .printf(
              "backup %s verified: %s, sha256 %s, %d dump bytes, completion trailer present%n",
              m.id(), m.file(), r.sha256(), r.dumpBytes());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
