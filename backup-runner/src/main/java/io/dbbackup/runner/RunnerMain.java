package io.dbbackup.runner;

import io.dbbackup.runner.cli.AuditCommand;
import io.dbbackup.runner.cli.BackupCommand;
import io.dbbackup.runner.cli.ListCommand;
import io.dbbackup.runner.cli.PruneCommand;
import io.dbbackup.runner.cli.RestoreCommand;
import io.dbbackup.runner.cli.VerifyCommand;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code backup-runner}: the CLI in the CronJob pod and on a laptop. Exceptions become exit codes
 * here and nowhere else.
 */
@Command(
    name = "backup-runner",
    mixinStandardHelpOptions = true,
    versionProvider = RunnerMain.Version.class,
    description =
        "Trustworthy PostgreSQL backups: backup | verify | list | prune | restore | audit",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0 ok, 1 other error, 2 invalid config, 3 database unreachable, 4 not enough space,",
      "  5 dump failed, 6 storage failed, 7 verification failed, 8 another run holds the lock,",
      "  9 outside the window (skipped), 10 permission denied, 11 timeout"
    })
public final class RunnerMain {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerMain.class);

  public static void main(String[] args) {
    OutOfMemory.install();
    RunSupervisor.installShutdownHook();
    System.exit(execute(RunSettings.defaults(), args));
  }

  /** Runs a command and returns its exit code; used by main and by tests. */
  public static int execute(RunSettings settings, String... args) {
    return commandLine(settings, null, null).execute(args);
  }

  /** The command line, with output and errors optionally redirected (tests read them). */
  public static CommandLine commandLine(RunSettings settings, PrintWriter out, PrintWriter err) {
    CommandLine cmd =
        new CommandLine(new RunnerMain())
            .addSubcommand(new BackupCommand(settings))
            .addSubcommand(new ListCommand())
            .addSubcommand(new VerifyCommand())
            .addSubcommand(new PruneCommand(settings))
            .addSubcommand(new RestoreCommand(settings))
            .addSubcommand(AuditCommand.class);
    if (out != null) {
      cmd.setOut(out);
    }
    if (err != null) {
      cmd.setErr(err);
    }
    cmd.setExitCodeExceptionMapper(RunnerMain::exitCode);
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("backup-runner: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return ExitCode.INVALID_CONFIG.code();
        });
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          RunnerException known = classify(ex);
          var event =
              LOG.atError()
                  .addKeyValue("event", "command_failed")
                  .addKeyValue("exit_code", known.exitCode().code());
          // Known failure classes are one line; only the unexpected get a stack trace.
          if (known.exitCode() == ExitCode.FAILED) {
            event = event.setCause(ex);
          }
          event.log(known.getMessage());
          commandLine.getErr().println("backup-runner: " + known.getMessage());
          commandLine.getErr().flush();
          return known.exitCode().code();
        });
    return cmd;
  }

  static int exitCode(Throwable t) {
    return classify(t).exitCode().code();
  }

  /** The failure class of anything a command throws: one place maps exceptions to exit codes. */
  public static RunnerException classify(Throwable t) {
    var oom = OutOfMemory.in(t);
    if (oom.isPresent()) {
      return OutOfMemory.failure(oom.get());
    }
    if (t instanceof RunnerException re) {
      return re;
    }
    if (t instanceof java.io.IOException io) {
      return StorageErrors.classify("storage", io);
    }
    return new RunnerException(ExitCode.FAILED, "unexpected error: " + t, t);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RunnerMain.class.getPackage().getImplementationVersion();
      return new String[] {"backup-runner " + (v == null ? "dev" : v)};
    }
  }
}
