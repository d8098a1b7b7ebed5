package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.DumpProcesses;
import io.dbbackup.runner.support.S3BackupYaml;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run to a bucket that must stop mid-upload: on SIGTERM (the multipart upload is aborted), and
 * after a SIGKILL (the next run aborts what was left).
 */
class S3RunStopIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();
  final S3ProxyServer s3 = new S3ProxyServer();

  @TempDir Path work;

  PostgresCluster pg;
  String bucket;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    s3.start();
    bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    pg = pgExtension.cluster();
    secret("pg", "password", pg.password());
    secret("s3-creds", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    secret("s3-creds", "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    pg.execute("postgres", "CREATE DATABASE bulk");
    // ~30 MB of hex that gzip -1 leaves at ~17 MB: four 5 MiB parts
    pg.execute(
        "bulk",
        "CREATE TABLE t AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
            + " || md5((g * 31)::text) AS v FROM generate_series(1, 220000) g");
  }

  @AfterEach
  void tearDown() {
    s3.close();
  }

  @Test
  void sigtermMidUploadAbortsTheMultipartUploadAndRecordsTheFailure() throws Exception {
    Path yaml = lockedDbResource("term-db");
    RunStopIT.Child child;
    try (Connection holder = RunStopIT.lockTable(pg)) {
      child = backupWaitingMidUpload(yaml);
      long start = System.nanoTime();
      child.process().toHandle().destroy(); // SIGTERM
      boolean exited = child.process().waitFor(30, TimeUnit.SECONDS);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (!exited) {
        child.process().destroyForcibly();
      }
      assertThat(exited).as("exited within 30 s of SIGTERM: %s", child.output()).isTrue();
      assertThat(elapsedMs).isLessThan(30_000);
      assertThat(child.process().exitValue()).as(child.output()).isEqualTo(1);
      assertThat(DumpProcesses.of(pg.port())).as("dump processes left").isEmpty();
      holder.rollback();
    }
    child.drained();
    assertThat(child.lines().stream().filter(l -> l.contains("event=terminated")))
        .as(child.output())
        .hasSize(1);
    assertThat(s3.openUploads(bucket)).isEmpty();
    assertThat(dataKeys("term-db")).isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history WHERE name = 'term-db'"))
        .startsWith("FAILED 1 terminated by SIGTERM");
  }

  @Test
  void aSigkilledRunsUploadIsAbortedByTheNextRun() throws Exception {
    Path yaml = lockedDbResource("kill-db");
    RunStopIT.Child child;
    try (Connection holder = RunStopIT.lockTable(pg)) {
      child = backupWaitingMidUpload(yaml);
      child.process().destroyForcibly(); // SIGKILL
      assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(DumpProcesses.await(30, () -> DumpProcesses.of(pg.port()).isEmpty()))
          .as("dump processes left: %s", DumpProcesses.of(pg.port()))
          .isTrue();
      holder.rollback();
    }
    child.drained();
    assertThat(s3.openUploads(bucket)).isNotEmpty();

    assertThat(backup(yaml, RunSettings.defaults())).isZero();
    assertThat(s3.openUploads(bucket)).isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT string_agg(status, ',' ORDER BY started_at) FROM"
                    + " dbbackup.backup_history WHERE name = 'kill-db'"))
        .isEqualTo("FAILED,SUCCEEDED");
  }

  /** Resource {@code name}, with the database whose table {@link RunStopIT#lockTable} locks. */
  Path lockedDbResource(String name) throws IOException {
    pg.execute("postgres", "CREATE DATABASE " + RunStopIT.LOCKED_DB);
    pg.execute(RunStopIT.LOCKED_DB, "CREATE TABLE t (id int)");
    return resource(name);
  }

  /** A backup in a child JVM, once its dump waits on the held lock and its upload is open. */
  RunStopIT.Child backupWaitingMidUpload(Path yaml) throws IOException, InterruptedException {
    RunStopIT.Child child = RunStopIT.Child.backup(yaml, work.resolve("secrets"));
    assertThat(RunStopIT.waitingOnTheLock(pg, 90)).as("pg_dump waits on the lock").isTrue();
    assertThat(DumpProcesses.await(30, () -> !s3.openUploads(bucket).isEmpty()))
        .as("a multipart upload is open")
        .isTrue();
    return child;
  }

  int backup(Path yaml, RunSettings settings) {
    return RunnerMain.execute(
        settings,
        "backup",
        "-f",
        yaml.toString(),
        "--secrets-dir",
        work.resolve("secrets").toString());
  }

  /** The run's objects, without runner state. */
  List<String> dataKeys(String name) {
    return s3.keys(bucket, "nightly/default/" + name + "/").stream()
        .filter(k -> !k.contains("/.state/"))
        .toList();
  }

  Path resource(String name) throws IOException {
    return S3BackupYaml.of(name, pg, bucket, "nightly", s3.endpoint())
        .spec("compression: {algorithm: gzip, level: 1}")
        .s3("partSizeMiB: 5")
        .writeIn(work);
  }

  void secret(String name, String key, String value) throws IOException {
    Path d = Files.createDirectories(work.resolve("secrets").resolve(name));
    Files.writeString(d.resolve(key), value);
  }
}
