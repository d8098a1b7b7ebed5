package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make demo} (scripts/demo.sh) as a user meets it: it backs up with examples/local's config,
 * leaves its servers running, and the restore commands it prints work as printed; {@code
 * scripts/demo.sh stop} stops the servers.
 */
class DemoIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Run(int exit, String output) {
    String tail() {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
    }
  }

  private Run bash(String command, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("finished: %s", command).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static String lineAfter(List<String> lines, String heading, int offset) {
    int i = lines.indexOf(heading);
    assertThat(i).as("the demo prints %s", heading).isNotNegative();
    return lines.get(i + offset).strip();
  }

  @Test
  void theDemoBacksUpWithTheLocalExampleAndItsPrintedRestoreCommandsWork() throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("backup-runner/target/backup-runner.jar")),
        "the runner jar is built (mvn package)");
    Path demo = dir.resolve("demo");
    Map<String, String> env = Map.of("DEMO_DIR", demo.toString());
    try {
      Run run = bash("scripts/demo.sh", env);
      assertThat(run.exit()).as(run.tail()).isZero();
      List<String> lines = run.output().lines().toList();
      assertThat(Files.readString(demo.resolve("databasebackup.yaml")))
          .as("examples/local's config with the demo's values")
          .contains("name: local")
          .contains("path: " + demo.resolve("volume"));

      // The runner's restore, as printed, into the empty target that is still running.
      String runnerRestore =
          lineAfter(
              lines,
              "or with the runner (it verifies the backup first"
                  + " and refuses a non-empty target):",
              1);
      assertThat(runnerRestore).startsWith("scripts/backup-runner restore ");
      Run restored = bash(runnerRestore, env);
      assertThat(restored.exit()).as(restored.tail()).isZero();
      assertThat(restored.output()).contains("restored backup ");
      String targetPort =
          Files.readString(demo.resolve("databaserestore.yaml"))
              .lines()
              .filter(l -> l.startsWith("    port: "))
              .findFirst()
              .orElseThrow()
              .substring("    port: ".length())
              .strip();
      String count =
          bash(
                  "PGPASSWORD=$(cat "
                      + demo.resolve("secrets/pg-target/password")
                      + ") psql -XAt -h 127.0.0.1 -p "
                      + targetPort
                      + " -U postgres -d shop -c 'SELECT count(*) FROM orders'",
                  env)
              .output()
              .strip();
      assertThat(count).isEqualTo("20000");

      // The stock-tool lines, as printed, into the same (now restored) target: they connect
      // with the target's password and load (the objects exist already: psql goes on).
      String cd = lineAfter(lines, "Restore into the target with stock tools:", 1);
      String pipeline = lineAfter(lines, "Restore into the target with stock tools:", 2);
      assertThat(cd).startsWith("cd ");
      assertThat(pipeline).startsWith("gunzip -c dump.sql.gz | ");
      Run stock = bash(cd + " && " + pipeline, env);
      assertThat(stock.exit()).as(stock.tail()).isZero();
      assertThat(stock.output()).doesNotContain("password authentication failed");
    } finally {
      Run stopped = bash("scripts/demo.sh stop", env);
      assertThat(stopped.exit()).as(stopped.tail()).isZero();
    }
    assertThat(demo.resolve("servers")).doesNotExist();
  }
}
