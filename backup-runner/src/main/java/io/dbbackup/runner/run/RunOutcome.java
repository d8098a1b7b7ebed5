package io.dbbackup.runner.run;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.history.RunRecord;
import java.util.List;

/**
 * How the run ended; {@code warnings}: what a run that succeeded could not do (retention on a store
 * it could not read completely).
 */
public record RunOutcome(
    ExitCode exitCode, RunRecord record, String message, List<String> warnings) {
  public RunOutcome {
    warnings = List.copyOf(warnings);
  }

  public RunOutcome(ExitCode exitCode, RunRecord record, String message) {
    this(exitCode, record, message, List.of());
  }
}
