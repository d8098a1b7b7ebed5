package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.StoredManifests;
import io.dbbackup.runner.store.VolumeStore;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention acts only on a complete picture of the store; anything else deletes nothing. */
class RetentionStepTest {
  static final Instant NOW = Instant.parse("2026-11-24T02:00:00Z");
  static final RetentionPolicy POLICY = new RetentionPolicy(30, 1, Duration.ofHours(2));

  @TempDir Path base;

  RetentionStep.Result apply(BackupStore store) {
    BackupId current = BackupId.generate(NOW);
    RunRecorder recorder = new RunRecorder(new PendingHistory(store), RunListener.NONE, false);
    return RetentionStep.apply(store, POLICY, NOW, current, "ns", "db", recorder);
  }

  /** {@code store}, except that reading {@code id}'s files fails as an HTTP 500 would. */
  static BackupStore failingOpen(BackupStore store, BackupId id) {
    return (BackupStore)
        Proxy.newProxyInstance(
            BackupStore.class.getClassLoader(),
            new Class<?>[] {BackupStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("open") && id.equals(args[0])) {
                throw new IOException("500 Internal Server Error");
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  List<String> folders(VolumeStore store) throws IOException {
    try (var s = Files.list(store.root())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  @Test
  void anUnparsableManifestOlderThanTheTimeoutIsKeptAndSoIsEverythingElse() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    BackupId expired = StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(60)));
    StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(1)));
    BackupId garbage = BackupId.generate(NOW.minus(Duration.ofDays(5)));
    StoredManifests.write(store, garbage, "{\"formatVersion\": 1, \"id\":".getBytes());
    List<String> before = folders(store);

    RetentionStep.Result r = apply(store);
    assertThat(r.deleted()).isEmpty();
    assertThat(folders(store)).isEqualTo(before).contains(garbage.value(), expired.value());
    assertThat(r.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("retention skipped: 1 backup folder(s)"))
        .anySatisfy(w -> assertThat(w).contains(garbage.value()).contains("not valid JSON"));
  }

  @Test
  void aManifestThatFailsToDownloadOnceDeletesNothing() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    BackupId flaky = StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(3)));
    StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(60)));
    StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(1)));
    List<String> before = folders(store);

    RetentionStep.Result r = apply(failingOpen(store, flaky));
    assertThat(r.deleted()).isEmpty();
    assertThat(folders(store)).isEqualTo(before);
    assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("500 Internal Server Error"));

    // The next run that reads everything applies the policy as usual.
    RetentionStep.Result next = apply(store);
    assertThat(next.warnings()).isEmpty();
    assertThat(next.deleted()).hasSize(1);
  }

  @Test
  void aListingThatFailsDeletesNothingAndWarnsInsteadOfFailingTheRun() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(60)));
    StoredManifests.writeGood(store, NOW.minus(Duration.ofDays(1)));
    BackupStore failing =
        (BackupStore)
            Proxy.newProxyInstance(
                BackupStore.class.getClassLoader(),
                new Class<?>[] {BackupStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("listIds")) {
                    throw new IOException("503 Slow Down");
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    RetentionStep.Result r = apply(failing);
    assertThat(r.deleted()).isEmpty();
    assertThat(folders(store)).hasSize(2);
    assertThat(r.warnings()).singleElement().asString().contains("503 Slow Down");
  }
}
