package io.dbbackup.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import org.junit.jupiter.api.Test;

/** The stderr line of a failure: one line whatever the message, with the code and a hint. */
class OneLineTest {
  @Test
  void aListOfViolationsBecomesOneLine() {
    String line =
        ExitCode.INVALID_CONFIG.failureLine(
            "backup",
            RunnerException.oneLine(
                "b.yaml: invalid DatabaseBackup:\n  spec.retries: must be 0-10\n  spec.x: unknown"));
    assertThat(line)
        .doesNotContain("\n")
        .isEqualTo(
            "backup-runner: backup failed: b.yaml: invalid DatabaseBackup: spec.retries: must be"
                + " 0-10; spec.x: unknown (exit 2, invalid config; check the field named in the"
                + " message, in the spec)");
  }
}
