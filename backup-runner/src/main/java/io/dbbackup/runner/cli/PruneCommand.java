package io.dbbackup.runner.cli;

import io.dbbackup.runner.backup.PruneRun;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.BackupStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prune}: apply spec.retention now, as a good run would. */
@Command(
    name = "prune",
    description =
        "Delete the backups no spec.retention rule keeps (days, minKeep, keepDaily,"
            + " keepWeekly, keepMonthly, keepYearly) and abandoned folders, under the run lock;"
            + " each deletion is audited with its reason. Prints every backup with the rules"
            + " keeping it or why it goes. Deletes nothing and exits 6 when a backup folder cannot"
            + " be read or trusted.",
    mixinStandardHelpOptions = true)
public final class PruneCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(
      names = "--dry-run",
      description = "Print what would be kept (and by which rule) or deleted; delete nothing.")
  boolean dryRun;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final RunSettings settings;

  public PruneCommand(RunSettings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    try (BackupStore store = Stores.open(config)) {
      PruneRun.Outcome outcome = new PruneRun(config, store, settings).execute(dryRun);
      List<RetentionPolicy.Deletion> plan = outcome.plan();
      PrintWriter out = spec.commandLine().getOut();
      int kept = 0;
      for (RetentionPolicy.Decision d : outcome.decisions()) {
        if (!d.deleted()) {
          kept++;
          out.printf(
              "%s %s (%s)%n",
              dryRun ? "would keep" : "kept",
              d.id(),
              String.join(", ", d.keptBy().stream().map(RetentionPolicy.Keep::toString).toList()));
        }
      }
      for (RetentionPolicy.Deletion d : plan) {
        out.printf(
            "%s %s (%s: %s)%n",
            dryRun ? "would delete" : "deleted",
            d.id(),
            d.reason().name().toLowerCase(java.util.Locale.ROOT),
            d.detail());
      }
      out.printf(
          "%d backup(s) %s, %d kept%n", plan.size(), dryRun ? "would be deleted" : "deleted", kept);
      out.flush();
      if (!outcome.warnings().isEmpty()) {
        // Not a clean prune: the store could not be read completely, so nothing was deleted.
        PrintWriter err = spec.commandLine().getErr();
        outcome.warnings().forEach(w -> err.println("backup-runner: " + w));
        err.println(
            ExitCode.STORAGE_FAILED.failureLine(
                "prune", "the store could not be read completely, so nothing was deleted"));
        err.flush();
        return ExitCode.STORAGE_FAILED.code();
      }
    }
    return 0;
  }
}
