package io.dbbackup.runner.cli;

import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.runner.RunSettings;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.config.ConfigLoader;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.restore.RestoreRun;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Stores;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code restore}: a DatabaseRestore carried out (BATCH-101 API-308). */
@Command(
    name = "restore",
    description =
        "Restore a backup of the DatabaseBackup (-f) as the DatabaseRestore (--restore) says:"
            + " verify it, check the target, stream it into psql.",
    mixinStandardHelpOptions = true)
public final class RestoreCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(
      names = "--restore",
      required = true,
      paramLabel = "FILE",
      description = "The DatabaseRestore resource: backupId, target, overwrite, decryption.")
  Path restoreFile;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final RunSettings settings;

  public RestoreCommand(RunSettings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    DatabaseRestore restore = ConfigLoader.loadRestore(restoreFile);
    try (BackupStore store = Stores.open(config)) {
      RestoreRun.Result result =
          new RestoreRun(config, restore.getSpec(), store, settings, PgTools.locate()).execute();
      spec.commandLine().getOut().println(RestoreRun.describe(result));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
