package io.dbbackup.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The exit-code contract: one code each, the Job's no-retry list and the reasons follow from it.
 */
class RunnerExitTest {
  @Test
  void everyCodeIsDefinedOnceInOrder() {
    assertThat(Arrays.stream(RunnerExit.values()).mapToInt(RunnerExit::code))
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    for (RunnerExit e : RunnerExit.values()) {
      assertThat(RunnerExit.of(e.code())).contains(e);
      assertThat(e.meaning()).isNotBlank();
    }
    assertThat(RunnerExit.of(12)).isEmpty();
  }

  @Test
  void onlyWhatNoRetryCanFixIsOnTheNoRetryList() {
    assertThat(RunnerExit.noRetryCodes()).containsExactly(2, 8, 9, 10);
  }

  @Test
  void failedRunsGetTheirReasonFromTheContract() {
    assertThat(RunnerStatus.failureReason(3)).isEqualTo("DatabaseUnreachable");
    assertThat(RunnerStatus.failureReason(10)).isEqualTo("PermissionDenied");
    assertThat(RunnerStatus.failureReason(1)).isEqualTo(RunnerStatus.REASON_FAILED);
    assertThat(RunnerStatus.failureReason(null)).isEqualTo(RunnerStatus.REASON_FAILED);
  }

  @Test
  void theHelpHasOneCodeALine() {
    assertThat(RunnerExit.helpLines())
        .hasSize(RunnerExit.values().length)
        .contains("   3  database unreachable", "  10  permission denied");
  }

  @Test
  void theReadmeTableIsTheContract() throws Exception {
    java.nio.file.Path readme = java.nio.file.Path.of("..", "README.md");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.exists(readme), "README.md beside the module");
    String text = java.nio.file.Files.readString(readme);
    for (RunnerExit e : RunnerExit.values()) {
      String retried = e == RunnerExit.OK ? "—" : e.retryable() ? "yes" : "no";
      assertThat(text).contains("| " + e.code() + " | " + e.meaning() + " | " + retried + " |");
    }
  }
}
