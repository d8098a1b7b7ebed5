package io.dbbackup.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.controller.BackupOperator;
import io.dbbackup.controller.ControllerConfig;
import io.dbbackup.controller.Fixtures;
import io.dbbackup.controller.MockCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Not a test (its name keeps it out of the default runs): a cold start of the controller against
 * {@code dbbackup.bench.count} DatabaseBackups (default 1,000) across {@code
 * dbbackup.bench.namespaces} namespaces (default 20) on the mock API server; measures the time
 * until every CronJob exists and until every resource is Ready, and the heap. Run it with {@code
 * scripts/bench-controller.sh}.
 */
class ControllerBenchmark {
  static final int COUNT = Integer.getInteger("dbbackup.bench.count", 1000);
  static final int NAMESPACES = Integer.getInteger("dbbackup.bench.namespaces", 20);
  static final Path REPORT = Path.of("target/benchmark-controller.txt");

  @Test
  void coldStartReconcilesEveryBackup() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      var client = cluster.client();
      for (int n = 0; n < NAMESPACES; n++) {
        cluster.secret("bench-" + n, "pg-backup", Map.of("password", "x"));
      }
      for (int i = 0; i < COUNT; i++) {
        cluster.create(Fixtures.volumeBackup("bench-" + (i % NAMESPACES), "db-" + i));
      }
      long baseline = heapAfterGc();

      long start = System.nanoTime();
      ControllerConfig config = ControllerConfig.defaults();
      try (BackupOperator operator =
          new BackupOperator(cluster.newClient(), config, Clock.systemUTC())) {
        operator.start();
        long started = System.nanoTime();
        long cronJobsAt =
            waitFor(
                () ->
                    client.batch().v1().cronjobs().inAnyNamespace().list().getItems().size()
                        >= COUNT);
        long readyAt =
            waitFor(
                () ->
                    client
                            .resources(DatabaseBackup.class)
                            .inAnyNamespace()
                            .list()
                            .getItems()
                            .stream()
                            .filter(
                                b ->
                                    b.getStatus() != null
                                        && Conditions.isTrue(
                                            b.getStatus().getConditions(),
                                            DatabaseBackupStatus.CONDITION_READY))
                            .count()
                        >= COUNT);
        long after = heapAfterGc();
        String report =
            """
            resources: %d DatabaseBackups in %d namespaces (mock API server, same JVM)
            operator start (informers synced): %.1f s
            all %d CronJobs present: %.1f s after start
            all %d Ready=True: %.1f s after start
            heap after GC, controller (total minus the mock server's baseline): %d MiB
            heap after GC, total (controller + mock server with %d resources and their children): %d MiB
            max heap (-Xmx): %d MiB
            cpus: %d, java: %s
            """
                .formatted(
                    COUNT,
                    NAMESPACES,
                    seconds(started - start),
                    COUNT,
                    seconds(cronJobsAt - start),
                    COUNT,
                    seconds(readyAt - start),
                    mib(after - baseline),
                    COUNT,
                    mib(after),
                    mib(Runtime.getRuntime().maxMemory()),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
        System.out.println(report);
        write(report);
        assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems())
            .hasSize(COUNT);
      }
    }
  }

  interface Check {
    boolean done() throws Exception;
  }

  static long waitFor(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not done within 5 minutes");
      }
      Thread.sleep(250);
    }
    return System.nanoTime();
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  static void write(String report) throws IOException {
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, report);
  }
}
