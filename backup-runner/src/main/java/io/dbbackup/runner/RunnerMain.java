package io.dbbackup.runner;

import io.dbbackup.api.status.RunnerExit;
import io.dbbackup.runner.cli.AuditCommand;
import io.dbbackup.runner.cli.BackupCommand;
import io.dbbackup.runner.cli.ListCommand;
import io.dbbackup.runner.cli.PruneCommand;
import io.dbbackup.runner.cli.RestoreCommand;
import io.dbbackup.runner.cli.VerifyCommand;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.OutOfMemory;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.run.RunSupervisor;
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
    footerHeading = "%nExit codes:%n")
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
    // One code a line, from the contract, so no phrase is wrapped.
    cmd.getCommandSpec().usageMessage().footer(RunnerExit.helpLines());
    cmd.setExitCodeExceptionMapper(RunnerMain::exitCode);
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("backup-runner: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return ExitCode.INVALID_CONFIG.code();
        });
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          RunnerException known = RunnerException.classify(ex);
          var event =
              LOG.atError()
                  .addKeyValue("event", "command_failed")
                  .addKeyValue("exit_code", known.exitCode().code());
          // Known failure classes are one line; only the unexpected get a stack trace.
          if (known.exitCode() == ExitCode.FAILED) {
            event = event.setCause(ex);
          }
          event.log(known.getMessage());
          commandLine
              .getErr()
              .println(
                  known
                      .exitCode()
                      .failureLine(
                          commandLine.getCommandName(),
                          RunnerException.oneLine(known.getMessage())));
          commandLine.getErr().flush();
          return known.exitCode().code();
        });
    return cmd;
  }

  static int exitCode(Throwable t) {
    return RunnerException.classify(t).exitCode().code();
  }

  /** The project version, written into version.properties by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"backup-runner " + projectVersion()};
    }
  }

  static String projectVersion() {
    try (var in = RunnerMain.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        var p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (java.io.IOException e) {
      // fall through to the manifest
    }
    String v = RunnerMain.class.getPackage().getImplementationVersion();
    return v == null ? "unknown (not built by Maven)" : v;
  }
}
