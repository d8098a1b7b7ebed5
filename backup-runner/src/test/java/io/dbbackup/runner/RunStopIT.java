package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.DumpProcesses;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that must stop mid-dump: at its timeout while pg_dump waits on a lock, on SIGTERM, and
 * after a SIGKILL (the next run cleans up). pg_dumpall, its shell and pg_dump are found in /proc by
 * their environment, wherever they were reparented.
 */
class RunStopIT {
  static final String LOCKED_DB = "zz_locked";

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  PostgresCluster pg;
  BackupFixture fixture;

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    pg = pgExtension.cluster();
    pg.execute("postgres", "CREATE DATABASE " + LOCKED_DB);
    pg.execute(LOCKED_DB, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)");
    fixture = new BackupFixture(dir, pg);
  }

  @Test
  void aDumpWaitingOnALockIsStoppedAtTheTimeoutWithItsShellAndPgDump() throws Exception {
    BackupFixture.Result result;
    List<String> timeouts;
    long elapsedMs;
    try (Connection holder = lockTable()) {
      try (LogCapture logs = LogCapture.open()) {
        long start = System.nanoTime();
        CompletableFuture<BackupFixture.Result> run =
            CompletableFuture.supplyAsync(
                () ->
                    fixture.backup(
                        BackupFixture.testSettings().withTimeout(Duration.ofSeconds(5))));
        try {
          result = run.get(90, TimeUnit.SECONDS);
        } finally {
          holder.rollback(); // an old runner waits for pg_dump until the lock is released
        }
        elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        timeouts = logs.events("timeout");
      }
      assertThat(result.exitCode()).isEqualTo(ExitCode.TIMEOUT.code());
      assertThat(elapsedMs).as("exit within 30 s of the 5 s timeout").isLessThan(35_000);
      assertThat(DumpProcesses.of(pg.port())).as("dump processes left").isEmpty();
    }
    assertThat(timeouts).hasSize(1);
    assertThat(timeouts.getFirst())
        .contains("exit_code=11")
        .contains("exceeded spec.timeoutMinutes (0 min, 5 s) in phase dump");
    assertThat(fixture.folders()).isEmpty();
    assertThat(partialFiles()).isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history"))
        .startsWith("FAILED 11 the run exceeded spec.timeoutMinutes");

    // With the lock released, the next run goes through.
    assertThat(fixture.backup().exitCode()).isZero();
  }

  @Test
  void sigtermMidDumpStopsTheDumpRemovesItsFilesRecordsTheFailureAndExitsWithin30s()
      throws Exception {
    Child child;
    try (Connection holder = lockTable()) {
      child = Child.backup(fixture);
      assertThat(waitingOnTheLock(60)).as("pg_dump waits on the lock").isTrue();
      assertThat(fixture.allFiles()).anyMatch(p -> p.toString().endsWith(".partial"));
      long start = System.nanoTime();
      // SIGTERM (Process.destroy() would also close the pipe of the child's output)
      child.process.toHandle().destroy();
      boolean exited = child.process.waitFor(30, TimeUnit.SECONDS);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (!exited) {
        child.process.destroyForcibly();
      }
      assertThat(exited).as("exited within 30 s of SIGTERM: %s", child.output()).isTrue();
      assertThat(elapsedMs).isLessThan(30_000);
      assertThat(child.process.exitValue()).as(child.output()).isEqualTo(ExitCode.FAILED.code());
      assertThat(DumpProcesses.of(pg.port())).as("dump processes left").isEmpty();
      holder.rollback();
    }
    child.drained();
    // One log line; the line for people on stderr may follow it, unless the hook exits first.
    assertThat(child.lines().stream().filter(l -> l.startsWith("ts=") && l.contains("SIGTERM")))
        .as(child.output())
        .hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("event=terminated").contains("exit_code=1"));
    assertThat(partialFiles()).isEmpty();
    assertThat(fixture.folders()).isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history"))
        .startsWith("FAILED 1 terminated by SIGTERM");
    assertThat(fixture.backup().exitCode()).isZero();
  }

  @Test
  void aSigkilledRunLeavesNoDumpRunningAndTheNextRunCleansUpAfterIt() throws Exception {
    Child child;
    try (Connection holder = lockTable()) {
      child = Child.backup(fixture);
      assertThat(waitingOnTheLock(60)).as("pg_dump waits on the lock").isTrue();
      assertThat(DumpProcesses.of(pg.port())).isNotEmpty();
      child.process.destroyForcibly(); // SIGKILL: no chance to clean up
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // With the runner gone, its dump's process group is ended, though the lock is still held.
      assertThat(DumpProcesses.await(30, () -> DumpProcesses.of(pg.port()).isEmpty()))
          .as("dump processes left: %s", DumpProcesses.of(pg.port()))
          .isTrue();
      assertThat(fixture.allFiles()).anyMatch(p -> p.toString().endsWith(".partial"));
      holder.rollback();
    }
    child.drained();
    Path debris = fixture.folders().getFirst();
    assertThat(pg.psql("postgres", "SELECT status FROM dbbackup.backup_history"))
        .isEqualTo("RUNNING");

    // The next run, once the killed one is older than the timeout, removes what it left. Its age is
    // its id's start time (the child JVM's own clock reading, seconds after it was launched on a
    // busy machine), so the wait is counted from there.
    Duration timeout = Duration.ofSeconds(10);
    Instant killedRunStart =
        BackupId.parse(debris.getFileName().toString()).orElseThrow().startTime();
    Duration olderThanTimeout =
        Duration.between(Instant.now(), killedRunStart.plus(timeout).plusSeconds(2));
    Thread.sleep(Math.max(0, olderThanTimeout.toMillis()));
    BackupFixture.Result next = fixture.backup(BackupFixture.testSettings().withTimeout(timeout));
    assertThat(next.exitCode()).as(next.err()).isZero();
    assertThat(fixture.folders()).hasSize(1).doesNotContain(debris);
    assertThat(partialFiles()).isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT string_agg(status, ',' ORDER BY started_at) FROM"
                    + " dbbackup.backup_history"))
        .isEqualTo("FAILED,SUCCEEDED");
  }

  /** A connection holding an ACCESS EXCLUSIVE lock on the table pg_dump must read. */
  Connection lockTable() throws SQLException {
    return lockTable(pg);
  }

  static Connection lockTable(PostgresCluster pg) throws SQLException {
    Connection c = pg.connect(LOCKED_DB);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
    }
    return c;
  }

  boolean waitingOnTheLock(int seconds) throws InterruptedException {
    return waitingOnTheLock(pg, seconds);
  }

  static boolean waitingOnTheLock(PostgresCluster pg, int seconds) throws InterruptedException {
    return DumpProcesses.await(
        seconds,
        () ->
            "1"
                .equals(
                    pg.psql(
                            "postgres",
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                + LOCKED_DB
                                + "' AND wait_event_type = 'Lock'")
                        .strip()));
  }

  List<Path> partialFiles() {
    return fixture.allFiles().stream().filter(p -> p.toString().endsWith(".partial")).toList();
  }

  /** The runner in a JVM of its own (signals reach it as they would in the pod). */
  record Child(Process process, List<String> lines, Thread reader) {
    static Child backup(BackupFixture fixture) throws IOException {
      return backup(fixture.writeConfig(), fixture.secretsDir());
    }

    static Child backup(Path config, Path secretsDir) throws IOException {
      return start(
          List.of("backup", "-f", config.toString(), "--secrets-dir", secretsDir.toString()));
    }

    /** The runner's main with {@code args}, as the pod runs it. */
    static Child start(List<String> args) throws IOException {
      return start(List.of(), args);
    }

    /** The same, with JVM options ({@code -Dkey=value}) before the main class. */
    static Child start(List<String> jvmOptions, List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmOptions);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(RunnerMain.class.getName());
      cmd.addAll(args);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = r.readLine()) != null) {
                        lines.add(line);
                      }
                    } catch (IOException e) {
                      // the child is gone
                    }
                  });
      return new Child(p, lines, reader);
    }

    void drained() throws InterruptedException {
      reader.join(10_000);
    }

    String output() {
      return String.join("\n", lines);
    }
  }
}
