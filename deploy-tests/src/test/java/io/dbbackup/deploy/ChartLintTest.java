package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: no error and no warning (only Helm's INFO that an icon is nice). */
class ChartLintTest {
  @Test
  void strictLintIsClean() {
    LintResult result = Chart.helm().lint().strict().call();
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).containsExactly("[INFO] Chart.yaml: icon is recommended");
  }
}
