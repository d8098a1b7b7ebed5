package io.dbbackup.runner.faults;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix on a volume store, against a real server: for each fault the exit code, every
 * earlier backup kept byte for byte, the FAILED history row with its reason, and a next normal run
 * that succeeds and leaves no .partial file and no folder without a manifest.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VolumeFaultMatrixIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  @Test
  void aServerStoppedImmediatelyMidCopyExits5AndItsSpooledRowIsWrittenByTheNextRun()
      throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    // ~20 MB of table: pg_dump is still copying it when the server goes.
    SampleData.loadBulk(pg, "postgres", 300_000);
    BackupFixture fixture = new BackupFixture(dir, pg);
    assertThat(fixture.backup().exitCode()).isZero();
    Path earlier = fixture.folders().getFirst();
    Map<String, byte[]> earlierFiles = contents(earlier);

    AtomicBoolean copying = new AtomicBoolean();
    RunListener stopMidCopy =
        new RunListener() {
          @Override
          public void dumpStarted(long pid) {
            // The data path is held here, so pg_dump stalls on a full pipe inside the COPY of
            // bulk: the server is stopped while that COPY is streaming.
            copying.set(awaitCopyOfBulk(pg, 60));
            pg.stopImmediately();
          }
        };
    BackupFixture.Result result;
    List<String> failures;
    try (LogCapture logs = LogCapture.open()) {
      result = fixture.backup(BackupFixture.testSettings().withListener(stopMidCopy));
      failures = logs.events("run_failed");
    }

    assertThat(copying).as("the server was stopped during the COPY of bulk").isTrue();
    assertThat(pg.isRunning()).isFalse();
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.DUMP_FAILED.code());
    assertThat(failures).hasSize(1);
    assertThat(failures.getFirst()).contains("exit_code=5").contains("pg_dumpall exited");
    assertThat(fixture.folders()).containsExactly(earlier);
    assertThat(partialFiles(fixture)).isEmpty();
    assertEarlierIntact(earlier, earlierFiles);
    // The history lives on the stopped server: the FAILED row is spooled beside the backups.
    assertThat(stateFiles(fixture)).anyMatch(n -> n.startsWith("pending-history-"));

    pg.restart();
    BackupFixture.Result next = fixture.backup();
    assertThat(next.exitCode()).as(next.err()).isZero();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                    + " ORDER BY started_at) FROM dbbackup.backup_history"))
        .isEqualTo("SUCCEEDED:-,FAILED:5,SUCCEEDED:-");
    assertThat(
            pg.psql(
                "postgres",
                "SELECT error_message FROM dbbackup.backup_history WHERE status =" + " 'FAILED'"))
        .startsWith("pg_dumpall exited with status");
    assertThat(stateFiles(fixture)).noneMatch(n -> n.startsWith("pending-"));
    assertCleanAfterTheNextRun(fixture, earlier, earlierFiles);
  }

  @Test
  void aDiskThatFillsAfterTheSpaceCheckExits4NamingThePathAndKeepsEarlierBackups()
      throws Exception {
    assumeTrue(Tmpfs.isRoot(), "needs root to mount a small tmpfs as the backup target");
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = new BackupFixture(dir, pg);
    Path target = fixture.target();
    Files.createDirectories(target);
    Tmpfs.mount(target, "16m");
    try {
      assertThat(fixture.backup().exitCode()).isZero();
      Path earlier = fixture.folders().getFirst();
      Map<String, byte[]> earlierFiles = contents(earlier);
      // ~1.3 MB of SQL, several hundred KB gzipped: far more than the disk has left once filled.
      SampleData.loadBulk(pg, "postgres", 20_000);

      Path filler = target.resolve("filler");
      AtomicLong left = new AtomicLong(-1);
      RunListener fillDisk =
          new RunListener() {
            @Override
            public void phase(String phase) {
              if (phase.equals("dump")) {
                // The space check has passed; now the disk fills up, but for a few pages.
                left.set(fill(filler, 32 * 1024));
              }
            }
          };
      BackupFixture.Result result;
      List<String> failures;
      try (LogCapture logs = LogCapture.open()) {
        result = fixture.backup(BackupFixture.testSettings().withListener(fillDisk));
        failures = logs.events("run_failed");
      }
      assertThat(left.get()).as("the filler left a little room").isBetween(0L, 64L * 1024);
      assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE.code());
      assertThat(failures).hasSize(1);
      String row =
          pg.psql(
              "postgres",
              "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                  + " dbbackup.backup_history ORDER BY started_at DESC LIMIT 1");
      assertThat(row)
          .startsWith("FAILED 4 writing " + fixture.backupsRoot())
          .contains("no space left on the target")
          .contains("dump.sql.gz");
      assertThat(failures.getFirst()).contains(fixture.backupsRoot().toString());
      assertThat(fixture.folders()).containsExactly(earlier);
      assertThat(partialFiles(fixture)).isEmpty();
      assertEarlierIntact(earlier, earlierFiles);

      Files.delete(filler);
      BackupFixture.Result next = fixture.backup();
      assertThat(next.exitCode()).as(next.err()).isZero();
      assertThat(
              pg.psql(
                  "postgres",
                  "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
                      + " ORDER BY started_at) FROM dbbackup.backup_history"))
          .isEqualTo("SUCCEEDED:-,FAILED:4,SUCCEEDED:-");
      assertCleanAfterTheNextRun(fixture, earlier, earlierFiles);
    } finally {
      Tmpfs.umount(target);
    }
  }

  /** Polls pg_stat_activity until a backend is copying table bulk out; false after the limit. */
  static boolean awaitCopyOfBulk(PostgresCluster pg, int seconds) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement()) {
      while (System.nanoTime() < until) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                    + " AND query LIKE 'COPY public.bulk %TO stdout%'")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return true;
          }
        }
        Thread.sleep(20);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * Writes {@code file} until the file system is full, then gives back {@code room} bytes; returns
   * the bytes then free.
   */
  static long fill(Path file, long room) {
    ByteBuffer block = ByteBuffer.allocate(64 * 1024);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      try {
        while (true) {
          block.clear();
          ch.write(block);
        }
      } catch (IOException full) {
        if (!String.valueOf(full.getMessage()).contains("No space left")) {
          throw full;
        }
      }
      ch.truncate(Math.max(0, ch.size() - room));
      ch.force(true);
      return Files.getFileStore(file).getUsableSpace();
    } catch (IOException e) {
      throw new IllegalStateException("could not fill " + file, e);
    }
  }

  static void assertEarlierIntact(Path earlier, Map<String, byte[]> before) throws IOException {
    Map<String, byte[]> now = contents(earlier);
    assertThat(now.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
    before.forEach((name, bytes) -> assertThat(now.get(name)).as(name).isEqualTo(bytes));
    StockTools.Run check =
        StockTools.run(earlier, Map.of(), "sha256sum", "-c", "dump.sql.gz.sha256");
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  /** After the next good run: both backups with manifests, nothing partial, the earlier intact. */
  static void assertCleanAfterTheNextRun(
      BackupFixture fixture, Path earlier, Map<String, byte[]> earlierFiles) throws IOException {
    List<Path> folders = fixture.folders();
    assertThat(folders).hasSize(2).contains(earlier);
    assertThat(folders).allSatisfy(f -> assertThat(f.resolve("manifest.json")).isRegularFile());
    assertThat(partialFiles(fixture)).isEmpty();
    assertEarlierIntact(earlier, earlierFiles);
  }

  static Map<String, byte[]> contents(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      Map<String, byte[]> m = new java.util.TreeMap<>();
      for (Path p : files.toList()) {
        m.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
      return m;
    }
  }

  static List<Path> partialFiles(BackupFixture fixture) {
    return fixture.allFiles().stream().filter(p -> p.toString().contains(".partial")).toList();
  }

  static List<String> stateFiles(BackupFixture fixture) throws IOException {
    Path state = fixture.backupsRoot().resolve(".state");
    if (!Files.isDirectory(state)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(state)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
