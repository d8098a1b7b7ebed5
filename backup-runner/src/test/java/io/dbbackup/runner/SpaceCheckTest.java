package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** BATCH-101's space rule, and what it reads from the store to apply it. */
class SpaceCheckTest {
  static final ServerInfo SERVER =
      new ServerInfo("15.18", 150018, List.of(new Manifest.DatabaseInfo("shop", 1_000_000_000L)));

  @Test
  void aStoreWithoutAFreeSpaceFigureIsNotListed() {
    List<String> calls = new ArrayList<>();
    SpaceCheck.check(store(OptionalLong.empty(), calls), SERVER, CompressionAlgorithm.GZIP);
    // Checked for writing, asked for its free space, and no more: no listing, no manifests read.
    assertThat(calls).containsExactly("checkWritable", "usableSpace");
  }

  @Test
  void aVolumeNeedsTwiceTheEstimate() {
    List<String> calls = new ArrayList<>();
    // No earlier backup: 30% of 1 GB estimated, 600 MB required.
    SpaceCheck.check(
        store(OptionalLong.of(600_000_000L), calls), SERVER, CompressionAlgorithm.GZIP);
    assertThat(calls).contains("listIds");
    assertThatThrownBy(
            () ->
                SpaceCheck.check(
                    store(OptionalLong.of(599_999_999L), new ArrayList<>()),
                    SERVER,
                    CompressionAlgorithm.GZIP))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("not enough space on the backup target");
  }

  /** A store with no backups whose free space is {@code usable}; records the calls made. */
  static BackupStore store(OptionalLong usable, List<String> calls) {
    return (BackupStore)
        Proxy.newProxyInstance(
            BackupStore.class.getClassLoader(),
            new Class<?>[] {BackupStore.class},
            (proxy, method, args) -> {
              calls.add(method.getName());
              return switch (method.getName()) {
                case "usableSpace" -> usable;
                case "listIds", "listState" -> List.of();
                case "location" -> "test://store";
                case "checkWritable", "close" -> null;
                default -> throw new AssertionError("unexpected call " + method.getName());
              };
            });
  }
}
