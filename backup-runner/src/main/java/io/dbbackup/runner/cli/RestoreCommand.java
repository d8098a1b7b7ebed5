package io.dbbackup.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.config.ConfigLoader;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.restore.RestoreRun;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.run.RunSupervisor;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  private static final Logger LOG = LoggerFactory.getLogger(RestoreCommand.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SIGTERM_MESSAGE =
      "terminated by SIGTERM (pod deletion, node drain or the Job's activeDeadlineSeconds): psql"
          + " was stopped and the restore is not complete; the target may hold part of the backup";

  @Mixin ConfigOptions options;

  @Option(
      names = "--restore",
      required = true,
      paramLabel = "FILE",
      description = "The DatabaseRestore resource: backupId, target, overwrite, decryption.")
  Path restoreFile;

  @Option(
      names = "--result-file",
      paramLabel = "FILE",
      description =
          "Also write the outcome there as one JSON object (exitCode, backupId, message): the"
              + " controller passes the container's termination message file, /dev/termination-log.")
  Path resultFile;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final RunSettings settings;

  public RestoreCommand(RunSettings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    try (Deadline deadline = Deadline.untimed()) {
      RunSupervisor<Integer> supervisor =
          new RunSupervisor<>(deadline, RunSupervisor.GRACE, SIGTERM_MESSAGE, Integer::intValue);
      return supervisor.run(
          () -> restore(deadline, supervisor), () -> abandoned(deadline, supervisor));
    }
  }

  /** The restore on the supervisor's worker; a stopped one is reported here, once. */
  private Integer restore(Deadline deadline, RunSupervisor<Integer> supervisor) {
    RestoreRun.Result result;
    try {
      BackupConfig config = options.load();
      DatabaseRestore restore = ConfigLoader.loadRestore(restoreFile);
      // Every secret the restore uses is read before the store is opened (exit 2 naming it).
      RestoreRun.readSecrets(config, restore.getSpec());
      try (BackupStore store = Stores.open(config)) {
        result =
            new RestoreRun(config, restore.getSpec(), store, settings, PgTools.locate(), deadline)
                .execute();
      }
    } catch (Exception | OutOfMemoryError e) {
      if (deadline.expired()) {
        // Whatever failed after the stop is the stop's doing.
        supervisor.cleaning();
        return terminated(deadline.timedOut().getMessage(), supervisor);
      }
      RunnerException failure = RunnerException.classify(e);
      writeResult(failure.exitCode().code(), null, failure.getMessage());
      throw failure;
    }
    String message = RestoreRun.describe(result);
    writeResult(0, result.backupId(), message);
    spec.commandLine().getOut().println(message);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** A stopped restore that did not end within the grace period. */
  private Integer abandoned(Deadline deadline, RunSupervisor<Integer> supervisor) {
    return terminated(
        deadline.timedOut().getMessage()
            + "; the restore did not end within "
            + RunSupervisor.GRACE.toSeconds()
            + " s and was abandoned",
        supervisor);
  }

  private Integer terminated(String message, RunSupervisor<Integer> supervisor) {
    int code = ExitCode.FAILED.code();
    if (supervisor.claimReport()) {
      LOG.atError().addKeyValue("event", "terminated").addKeyValue("exit_code", code).log(message);
      writeResult(code, null, message);
      spec.commandLine().getErr().println("backup-runner: " + message);
      spec.commandLine().getErr().flush();
    }
    return code;
  }

  /** The outcome for whoever started the restore; never fails the restore itself. */
  private void writeResult(int exitCode, String backupId, String message) {
    if (resultFile == null) {
      return;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("exitCode", exitCode);
    if (backupId != null) {
      result.put("backupId", backupId);
    }
    // Kubernetes keeps at most 4096 bytes of a termination message.
    result.put("message", message.length() > 3000 ? message.substring(0, 3000) + "..." : message);
    try {
      Files.write(resultFile, JSON.writeValueAsBytes(result));
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "result_file_failed")
          .addKeyValue("file", resultFile)
          .log("could not write the result file: " + e.getMessage());
    }
  }
}
