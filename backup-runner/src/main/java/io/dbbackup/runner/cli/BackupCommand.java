package io.dbbackup.runner.cli;

import io.dbbackup.runner.BackupRun;
import io.dbbackup.runner.RunSettings;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Stores;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code backup}: one verified, retained, recorded pg_dumpall backup. */
@Command(
    name = "backup",
    description = "Dump the cluster, store, verify, prune and record it (BATCH-101).",
    mixinStandardHelpOptions = true)
public final class BackupCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  private final RunSettings settings;

  public BackupCommand(RunSettings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    try (BackupStore store = Stores.open(config)) {
      BackupRun.Outcome outcome =
          new BackupRun(config, store, settings, PgTools.locate()).execute();
      return outcome.exitCode().code();
    }
  }
}
