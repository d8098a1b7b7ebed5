package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.runner.support.Tmpfs;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each failure class of BATCH-101 against a real server: the run exits with its code, records
 * FAILED, leaves no partial file behind, and never touches earlier backups.
 */
class BackupFailureIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  @Test
  void aStoppedDatabaseIsRetriedWithGrowingWaitsThenExits3AndIsRecordedLater() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg).connectRetry(3, 1);
    pg.stop();

    BackupFixture.Result result;
    List<Long> attempts;
    String logText;
    try (LogCapture logs = LogCapture.open()) {
      result = fixture.backup();
      attempts = logs.eventTimes("db_unreachable");
      attempts.addAll(logs.eventTimes("run_failed"));
      logText = logs.text();
    }
    assertThat(result.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());
    assertThat(logText).contains("retry_in_s=1 ").contains("retry_in_s=2 ");
    assertThat(logText).contains("unreachable after 3 attempt(s)");
    // Two waits between three attempts, the second twice the first.
    assertThat(attempts).hasSize(3);
    long firstWait = attempts.get(1) - attempts.get(0);
    long secondWait = attempts.get(2) - attempts.get(1);
    assertThat(firstWait).isBetween(900L, 1900L);
    assertThat(secondWait).isBetween(1900L, 3900L);
    assertThat(fixture.folders()).isEmpty();

    // The history database was down too; the next run that reaches it records the failure.
    pg.restart();
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                    + " ORDER BY started_at) FROM dbbackup.backup_history"))
        .isEqualTo("FAILED:3,SUCCEEDED:-");
    assertThat(pg.psql("postgres", "SELECT error_message FROM dbbackup.backup_history LIMIT 1"))
        .contains("unreachable after 3 attempt(s)");
    // Nothing is left pending; the audit chain's head stays as the record kept outside the
    // database.
    try (Stream<Path> state = Files.list(fixture.backupsRoot().resolve(".state"))) {
      assertThat(state.map(p -> p.getFileName().toString())).containsOnly("audit-chain-head.json");
    }
  }

  @Test
  void anEmptyPasswordFileExits2AndWritesNothingIntoTheStore() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    Files.writeString(fixture.secretsDir().resolve("pg-backup/password"), "");
    Files.createDirectories(fixture.target());

    BackupFixture.Result result = fixture.backup();

    assertThat(result.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(result.err()).contains("spec.database.passwordSecretRef").contains("is empty");
    // No spooled history record, no .state, no folder: a config mistake writes nothing.
    assertThat(fixture.allFiles()).isEmpty();
  }

  @Test
  void anUnwritableTargetExits10WithAClearMessage() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    Path target = fixture.target();
    Files.createDirectories(target);
    boolean root = Tmpfs.isRoot();
    // Root ignores permission bits; an immutable directory refuses root too.
    StockTools.Run lock =
        root
            ? StockTools.run(dir, Map.of(), "chattr", "+i", target.toString())
            : StockTools.run(dir, Map.of(), "chmod", "0500", target.toString());
    assertThat(lock.exitCode()).as(lock.output()).isZero();
    try {
      BackupFixture.Result result = fixture.backup();
      assertThat(result.exitCode()).isEqualTo(ExitCode.PERMISSION_DENIED.code());
      // One line for people on stderr (the log has the details).
      assertThat(result.err().lines().toList())
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .startsWith(
                          "backup-runner: backup failed: the backup target is not writable:"
                              + " permission denied")
                      .contains("(exit 10, permission denied;"));
      assertThat(
              pg.psql(
                  "postgres",
                  "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                      + " dbbackup.backup_history"))
          .startsWith("FAILED 10 the backup target is not writable: permission denied")
          .contains(target.toString());
    } finally {
      StockTools.run(
          dir, Map.of(), root ? "chattr" : "chmod", root ? "-i" : "0700", target.toString());
    }
    assertThat(fixture.allFiles()).isEmpty();
  }

  @Test
  void tooLittleSpaceExits4BeforeDumping() throws Exception {
    assumeTrue(Tmpfs.isRoot(), "needs root to mount a small tmpfs as the backup target");
    PostgresCluster pg = pgExtension.cluster();
    // An empty cluster's backup fits in 2 MiB; the expected size says 10 MiB: 20 MiB required.
    BackupFixture fixture = new BackupFixture(dir, pg).spec("expectedSizeMiB: 10");
    Path target = fixture.target();
    Files.createDirectories(target);
    Tmpfs.mount(target, "2m");
    try {
      AtomicBoolean dumped = new AtomicBoolean();
      RunListener listener =
          new RunListener() {
            @Override
            public void dumpStarted(long pid) {
              dumped.set(true);
            }
          };
      BackupFixture.Result result;
      String logText;
      try (LogCapture logs = LogCapture.open()) {
        result = fixture.backup(BackupFixture.testSettings().withListener(listener));
        logText = logs.text();
      }
      assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE.code());
      assertThat(dumped).isFalse();
      assertThat(logText).doesNotContain("event=dump_start");
      assertThat(logText).contains("not enough space on the backup target").contains("required");
      assertThat(fixture.folders()).isEmpty();
    } finally {
      Tmpfs.umount(target);
    }
  }

  @Test
  void aDiskThatFillsMidDumpExits4AndLeavesNoPartialFile() throws Exception {
    assumeTrue(Tmpfs.isRoot(), "needs root to mount a small tmpfs as the backup target");
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    Path target = fixture.target();
    Files.createDirectories(target);
    Tmpfs.mount(target, "12m");
    try {
      assertThat(fixture.backup().exitCode()).isZero();
      Path earlier = fixture.folders().getFirst();
      // ~30 MB of hex text: about 16 MB gzipped, more than the disk has left. The estimate (2x the
      // last good backup) passes, so the dump starts and the disk fills up under it.
      pg.execute(
          "postgres",
          "CREATE TABLE filler AS SELECT g, md5(random()::text) || md5(random()::text)"
              + " || md5(random()::text) AS h FROM generate_series(1, 300000) g");
      BackupFixture.Result result = fixture.backup();
      assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE.code());
      assertThat(fixture.folders()).containsExactly(earlier);
      assertThat(
              StockTools.run(earlier, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256").exitCode())
          .isZero();
      assertThat(
              pg.psql(
                  "postgres",
                  "SELECT error_message FROM dbbackup.backup_history WHERE status = 'FAILED'"))
          .contains("no space left on the target");
    } finally {
      Tmpfs.umount(target);
    }
  }

  @Test
  void aKilledPgDumpallFailsTheRunCleanlyAndKeepsEarlierBackups() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    SampleData.loadBulk(pg, "postgres", 80_000);
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    Path earlier = fixture.folders().getFirst();
    String earlierSum = Files.readString(earlier.resolve("dump.sql.gz.sha256"));

    RunListener killer =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
          }
        };
    BackupFixture.Result result = fixture.backup(BackupFixture.testSettings().withListener(killer));

    assertThat(result.exitCode()).isEqualTo(ExitCode.DUMP_FAILED.code());
    assertThat(fixture.folders()).containsExactly(earlier);
    assertThat(noPartialFiles(fixture)).isTrue();
    assertThat(Files.readString(earlier.resolve("dump.sql.gz.sha256"))).isEqualTo(earlierSum);
    assertThat(
            StockTools.run(earlier, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256").exitCode())
        .isZero();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history ORDER BY started_at DESC LIMIT 1"))
        .startsWith("FAILED 5 pg_dumpall exited with status");
  }

  @Test
  void aServerKilledMidDumpFailsTheRunCleanlyAndTheFailureIsRecordedLater() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    SampleData.loadBulk(pg, "postgres", 80_000);
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    Path earlier = fixture.folders().getFirst();

    RunListener crash =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            pg.kill();
          }
        };
    BackupFixture.Result result = fixture.backup(BackupFixture.testSettings().withListener(crash));

    assertThat(result.exitCode()).isEqualTo(ExitCode.DUMP_FAILED.code());
    assertThat(fixture.folders()).containsExactly(earlier);
    assertThat(noPartialFiles(fixture)).isTrue();
    assertThat(
            StockTools.run(earlier, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256").exitCode())
        .isZero();

    pg.restart();
    assertThat(fixture.backup().exitCode()).isZero();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                    + " ORDER BY started_at) FROM dbbackup.backup_history"))
        .isEqualTo("SUCCEEDED:-,FAILED:5,SUCCEEDED:-");
  }

  @Test
  void aRunPastItsTimeoutIsStoppedWithExit11() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    SampleData.loadBulk(pg, "postgres", 80_000);
    BackupFixture fixture = new BackupFixture(dir, pg);
    RunListener stall =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            // Stall the data path until the deadline has stopped pg_dumpall (at most 30 s).
            ProcessHandle.of(pid)
                .ifPresent(
                    p -> {
                      try {
                        p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                      } catch (Exception e) {
                        throw new IllegalStateException("pg_dumpall was not stopped", e);
                      }
                    });
          }
        };
    BackupFixture.Result result;
    List<String> progress;
    try (LogCapture logs = LogCapture.open()) {
      result =
          fixture.backup(
              BackupFixture.testSettings().withListener(stall).withTimeout(Duration.ofSeconds(4)));
      progress = logs.events("progress");
    }
    assertThat(result.exitCode()).isEqualTo(ExitCode.TIMEOUT.code());
    assertThat(pg.psql("postgres", "SELECT error_message FROM dbbackup.backup_history"))
        .contains("exceeded spec.timeoutMinutes");
    // Progress lines keep coming while the dump is stalled (every 200 ms in tests, 10 s by
    // default).
    assertThat(progress.size()).isGreaterThanOrEqualTo(5);
    assertThat(progress.getFirst())
        .contains("phase=dump")
        .contains(" bytes=")
        .contains(" rate_mb_s=");
    assertThat(fixture.folders()).isEmpty();
    assertThat(noPartialFiles(fixture)).isTrue();
    assertThat(pg.psql("postgres", "SELECT error_code FROM dbbackup.backup_history"))
        .isEqualTo("11");
    assertThat(pgDumpAllRunning()).isFalse();
  }

  @Test
  void aRunOutOfMemoryExits1NotAsAnUnreachableDatabaseAndCleansUp() throws Exception {
    long heap = Runtime.getRuntime().maxMemory();
    assumeTrue(heap < 15L << 30, "the test JVM's heap could hold the 16 GiB array");
    PostgresCluster pg = pgExtension.cluster();
    SampleData.loadBulk(pg, "postgres", 80_000);
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    Path earlier = fixture.folders().getFirst();

    RunListener greedy =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            // A real OutOfMemoryError from the JVM, in the middle of the data path.
            long[] tooBig = new long[Integer.MAX_VALUE - 8];
            throw new AssertionError("allocated " + tooBig.length + " longs");
          }
        };
    BackupFixture.Result result;
    String failure;
    try (LogCapture logs = LogCapture.open()) {
      result = fixture.backup(BackupFixture.testSettings().withListener(greedy));
      failure = logs.events("run_failed").getFirst();
    }

    assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED.code());
    assertThat(failure)
        .contains("exit_code=1")
        .contains("error_class=FAILED")
        .contains(
            "the runner ran out of memory (Java heap space; maximum heap " + heap / (1 << 20));
    assertThat(fixture.folders()).containsExactly(earlier);
    assertThat(noPartialFiles(fixture)).isTrue();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history ORDER BY started_at DESC LIMIT 1"))
        .startsWith("FAILED 1 the runner ran out of memory");
    assertThat(pgDumpAllRunning()).isFalse();
  }

  static boolean pgDumpAllRunning() {
    return ProcessHandle.current()
        .descendants()
        .anyMatch(p -> p.info().command().orElse("").endsWith("pg_dumpall"));
  }

  static boolean noPartialFiles(BackupFixture fixture) {
    return fixture.allFiles().stream().noneMatch(p -> p.toString().endsWith(".partial"));
  }
}
