package io.dbbackup.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.run.RunSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** --version prints the version the build gave the project (the reactor passes it in). */
class VersionTest {
  @Test
  void versionIsTheProjectVersion() {
    String expected = System.getProperty("dbbackup.project.version");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        expected != null && !expected.isBlank(), "run by Maven, which passes the version");
    StringWriter out = new StringWriter();
    int code =
        RunnerMain.commandLine(
                RunSettings.defaults(), new PrintWriter(out), new PrintWriter(new StringWriter()))
            .execute("--version");
    assertThat(code).isZero();
    assertThat(out.toString().strip()).isEqualTo("backup-runner " + expected);
  }
}
