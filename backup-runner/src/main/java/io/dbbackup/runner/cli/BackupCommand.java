package io.dbbackup.runner.cli;

import io.dbbackup.runner.BackupRun;
import io.dbbackup.runner.RunSettings;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.notify.StandaloneNotifier;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.status.KubernetesStatusReporter;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Stores;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
      BackupRun.Outcome outcome = new BackupRun(config, store, run, PgTools.locate()).execute();
      if (notifier != null) {
        notifier.afterRun(outcome);
      }
      return outcome.exitCode().code();
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
