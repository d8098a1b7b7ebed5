package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.DumpProcesses;
import io.dbbackup.runner.support.RestoreResource;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a runner JVM in the middle of a restore, a verify or a list. Restore: psql (its
 * process group) is stopped, the restore is reported failed, never restored, in the log and the
 * result file, and the runner exits within the pod's grace period; it is held mid-stream by a role
 * the target is creating in a transaction of its own (psql's CREATE ROLE waits on it). Verify and
 * list, held reading a named pipe in place of a stored file, exit at once with one log line.
 */
class CommandStopIT {
  static final String GATE_ROLE = "zz_restore_gate";

  @RegisterExtension final PostgresExtension sourceExtension = new PostgresExtension();

  @TempDir Path dir;

  @Test
  void sigtermMidRestoreStopsPsqlReportsTheRestoreFailedAndExitsWithinTheGracePeriod()
      throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    PostgresCluster source = sourceExtension.cluster();
    SampleData.load(source);
    // A few MB of script after the globals: the runner is still writing into psql when stopped.
    SampleData.loadBulk(source, "shop", 50_000);
    source.execute("postgres", "CREATE ROLE " + GATE_ROLE);
    BackupFixture fixture = new BackupFixture(dir, source);
    BackupFixture.Result backup = fixture.backup();
    assertThat(backup.exitCode()).as(backup.err()).isZero();

    try (PostgresCluster target = PostgresCluster.start()) {
      Path resultFile = dir.resolve("result.json");
      RunStopIT.Child child;
      try (Connection gate = target.connect("postgres")) {
        gate.setAutoCommit(false);
        try (Statement s = gate.createStatement()) {
          s.execute("CREATE ROLE " + GATE_ROLE);
        }
        child =
            RunStopIT.Child.start(
                List.of(
                    "restore",
                    "-f",
                    fixture.writeConfig().toString(),
                    "--secrets-dir",
                    fixture.secretsDir().toString(),
                    "--restore",
                    restoreYaml(target).toString(),
                    "--result-file",
                    resultFile.toString()));
        boolean waiting = DumpProcesses.await(120, () -> psqlWaitsOnTheGate(target));
        assertThat(waiting).as("psql waits on the gate role: %s", child.output()).isTrue();
        assertThat(DumpProcesses.of(target.port())).as("psql of the restore").isNotEmpty();

        long start = System.nanoTime();
        child.process().toHandle().destroy(); // SIGTERM
        boolean exited = child.process().waitFor(60, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!exited) {
          child.process().destroyForcibly();
        }
        assertThat(exited).as("exited after SIGTERM: %s", child.output()).isTrue();
        // The runner's own bound is 25 s (inside Kubernetes' 30 s); a loaded machine adds some.
        assertThat(elapsedMs).as(child.output()).isLessThan(45_000);
        assertThat(child.process().exitValue())
            .as(child.output())
            .isEqualTo(ExitCode.FAILED.code());
        // psql is gone with the runner, though the gate still holds its statement.
        assertThat(DumpProcesses.await(10, () -> DumpProcesses.of(target.port()).isEmpty()))
            .as("psql left: %s", DumpProcesses.of(target.port()))
            .isTrue();
        gate.rollback();
      }
      child.drained();

      assertThat(child.lines().stream().filter(l -> l.contains("event=terminated")))
          .as(child.output())
          .singleElement()
          .satisfies(l -> assertThat(l).contains("exit_code=1").contains("terminated by SIGTERM"));
      assertThat(child.output())
          .doesNotContain("restored backup")
          .doesNotContain("restore succeeded");
      assertThat(resultFile).as(child.output()).isRegularFile();
      JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
      assertThat(result.get("exitCode").asInt()).isEqualTo(ExitCode.FAILED.code());
      assertThat(result.get("message").asText())
          .startsWith("terminated by SIGTERM")
          .contains("psql was stopped")
          .contains("not complete");
      assertThat(result.has("backupId")).isFalse();
      // The gate's role was never created by the restore, nor anything after it in the script.
      assertThat(target.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'shop'"))
          .isEqualTo("0");
    }
  }

  @Test
  void sigtermMidVerifyExitsPromptlyWithOneLogLine() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, sourceExtension.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    Path dump = fixture.folders().getFirst().resolve("dump.sql.gz");
    byte[] stored = Files.readAllBytes(dump);
    try (HeldPipe pipe = HeldPipe.replace(dump, Arrays.copyOf(stored, 100))) {
      RunStopIT.Child child = RunStopIT.Child.start(command(fixture, "verify", "latest"));
      assertStopsPromptly(child, pipe, "verify");
      assertThat(child.output()).doesNotContain("verified:");
    }
  }

  @Test
  void sigtermMidListExitsPromptlyWithOneLogLine() throws Exception {
    BackupFixture fixture = new BackupFixture(dir, sourceExtension.cluster());
    assertThat(fixture.backup().exitCode()).isZero();
    Path manifest = fixture.folders().getFirst().resolve("manifest.json");
    try (HeldPipe pipe = HeldPipe.replace(manifest, "{".getBytes(StandardCharsets.UTF_8))) {
      RunStopIT.Child child = RunStopIT.Child.start(command(fixture, "list"));
      assertStopsPromptly(child, pipe, "list");
      assertThat(child.output()).doesNotContain("LOCATION");
    }
  }

  static List<String> command(BackupFixture fixture, String... args) {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(
        List.of(
            "-f",
            fixture.writeConfig().toString(),
            "--secrets-dir",
            fixture.secretsDir().toString()));
    return cmd;
  }

  /** Once the command is reading the pipe, SIGTERM: exit 1 soon after, one terminated line. */
  static void assertStopsPromptly(RunStopIT.Child child, HeldPipe pipe, String command)
      throws Exception {
    assertThat(pipe.awaitReader(120))
        .as("the %s reads the pipe: %s", command, child.output())
        .isTrue();
    long start = System.nanoTime();
    child.process().toHandle().destroy(); // SIGTERM
    boolean exited = child.process().waitFor(30, TimeUnit.SECONDS);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (!exited) {
      child.process().destroyForcibly();
    }
    assertThat(exited).as("exited after SIGTERM: %s", child.output()).isTrue();
    // Nothing to wait for: far less than the grace period of a restore or a backup.
    assertThat(elapsedMs).as(child.output()).isLessThan(15_000);
    assertThat(child.process().exitValue()).as(child.output()).isEqualTo(ExitCode.FAILED.code());
    child.drained();
    // One log line; the line for people on stderr may follow it, unless the hook exits first.
    assertThat(child.lines().stream().filter(l -> l.startsWith("ts=") && l.contains("SIGTERM")))
        .as(child.output())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains("event=terminated")
                    .contains("command=" + command)
                    .contains("exit_code=1"));
  }

  /**
   * A named pipe in place of a stored file: a writer opens it once a reader does, writes {@code
   * head} and holds it open, so the reader waits for the rest; closing puts the file back.
   */
  static final class HeldPipe implements AutoCloseable {
    private final Path path;
    private final Path saved;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread writer;

    private HeldPipe(Path path, byte[] head) throws IOException {
      this.path = path;
      this.saved = path.resolveSibling(path.getFileName() + ".saved");
      Files.move(path, saved);
      StockTools.Run mkfifo = StockTools.run(path.getParent(), Map.of(), "mkfifo", path.toString());
      assumeTrue(mkfifo.exitCode() == 0, "mkfifo: " + mkfifo.output());
      writer =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (OutputStream out = Files.newOutputStream(path)) {
                      opened.countDown();
                      out.write(head);
                      out.flush();
                      release.await();
                    } catch (IOException e) {
                      // the reader went away
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }

    static HeldPipe replace(Path path, byte[] head) throws IOException {
      return new HeldPipe(path, head);
    }

    boolean awaitReader(int seconds) throws InterruptedException {
      return opened.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      if (opened.getCount() > 0) {
        // Nobody opened it: open it for reading, so that the writer's open returns.
        try (InputStream in = Files.newInputStream(path)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      writer.join(10_000);
      Files.delete(path);
      Files.move(saved, path);
    }
  }

  static boolean psqlWaitsOnTheGate(PostgresCluster target) {
    return "1"
        .equals(
            target
                .psql(
                    "postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE 'CREATE ROLE "
                        + GATE_ROLE
                        + "%'")
                .strip());
  }

  Path restoreYaml(PostgresCluster target) {
    return RestoreResource.into(target).write(dir);
  }
}
