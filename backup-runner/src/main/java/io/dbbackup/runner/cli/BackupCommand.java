package io.dbbackup.runner.cli;

import io.dbbackup.runner.backup.BackupRun;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.notify.StandaloneNotifier;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.run.RunOutcome;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.status.KubernetesStatusReporter;
import io.dbbackup.runner.store.BackupStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup}: one verified, retained, recorded pg_dumpall backup. */
@Command(
    name = "backup",
    description = "Dump the cluster, store, verify, prune and record it (BATCH-101).",
    mixinStandardHelpOptions = true)
public final class BackupCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(
      names = "--report-status",
      description =
          "Write each run into the DatabaseBackup's status in the cluster (in-cluster config or"
              + " the current kubeconfig); the job name comes from DBBACKUP_JOB_NAME.")
  boolean reportStatus;

  @Option(
      names = "--notify",
      description =
          "Send spec.notifications when the run ends (a runner on its own, e.g. on a batch"
              + " server); in the cluster the controller sends them and the CronJob does not pass"
              + " this.")
  boolean notify;

  @Spec CommandSpec spec;

  private final RunSettings settings;

  public BackupCommand(RunSettings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    StandaloneNotifier notifier = notify ? new StandaloneNotifier(config, settings) : null;
    KubernetesClient client = reportStatus ? new KubernetesClientBuilder().build() : null;
    try (BackupStore store = Stores.open(config)) {
      RunSettings run = settings;
      if (client != null) {
        run =
            settings.withListener(
                settings
                    .listener()
                    .andThen(
                        new KubernetesStatusReporter(
                            client,
                            config.namespace(),
                            config.name(),
                            System.getenv("DBBACKUP_JOB_NAME"),
                            settings.clock(),
                            config.spec().getStorage().getVolume() == null
                                ? null
                                : Path.of(config.spec().getStorage().getVolume().getPath()))));
      }
      RunOutcome outcome = new BackupRun(config, store, run, PgTools.locate()).execute();
      if (notifier != null) {
        notifier.afterRun(outcome);
      }
      ExitCode code = outcome.exitCode();
      if (code != ExitCode.OK) {
        // One line for people on stderr; the log (stdout) has the details.
        PrintWriter err = spec.commandLine().getErr();
        String message = outcome.message() == null ? "see the log" : outcome.message();
        err.println(
            code == ExitCode.OUTSIDE_WINDOW
                ? "backup-runner: backup skipped: "
                    + message
                    + " (exit "
                    + code.code()
                    + ", "
                    + code.contract().meaning()
                    + ")"
                : code.failureLine("backup", RunnerException.oneLine(message)));
        err.flush();
      }
      return code.code();
    } catch (RunnerException e) {
      if (notifier != null) {
        notifier.failedToStart(e.exitCode(), e.getMessage());
      }
      throw e;
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }
}
