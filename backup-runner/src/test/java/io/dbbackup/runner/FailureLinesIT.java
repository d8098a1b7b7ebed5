package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerExit;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the CLI: every runtime failure ends with one line on stderr saying what failed, the exit
 * code and what to check; and the exit classes issue 13 found wrong.
 */
class FailureLinesIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  private static List<String> lines(String err) {
    return err.lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void aBackupThatCannotReachTheDatabaseSaysSoOnStderr() {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    pg.stop();

    BackupFixture.Result r = fixture.backup();

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(lines(r.err())).hasSize(1);
    assertThat(r.err())
        .startsWith("backup-runner: backup failed: database ")
        .contains("refused")
        .contains("(exit 3, database unreachable; check that the server is up");
    assertThat(r.err()).doesNotContain(pg.password());
  }

  @Test
  void verifyOfAnUnknownIdIsExit2AsForRestore() {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();

    BackupFixture.Result r =
        fixture.run(BackupFixture.testSettings(), "verify", "20000101T000000Z-0000");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(lines(r.err())).hasSize(1);
    assertThat(r.err())
        .startsWith("backup-runner: verify failed: no good backup 20000101T000000Z-0000")
        .contains("(exit 2, invalid config;");
  }

  @Test
  void aVolumePathThatIsAFileIsNotADirectory() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    Path file = dir.resolve("backups-file");
    Files.writeString(file, "not a directory");
    BackupFixture fixture = new BackupFixture(dir, pg).target(file);

    BackupFixture.Result r = fixture.backup();

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(r.err())
        .contains("spec.storage.volume.path: " + file + " is not a directory")
        .doesNotContain("not writable");
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  @Test
  void theHelpListsOneExitCodeALine() {
    StringWriter out = new StringWriter();
    int code =
        RunnerMain.commandLine(
                BackupFixture.testSettings(),
                new PrintWriter(out),
                new PrintWriter(new StringWriter()))
            .execute("--help");
    assertThat(code).isZero();
    List<String> help = out.toString().lines().toList();
    for (String line : RunnerExit.helpLines()) {
      assertThat(help).contains(line);
    }
  }
}
