package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    assertThat(calls).containsExactly("checkWritable", "usableSpace", "expectAtMost", "scratchFor");
  }

  @Test
  void aVolumeNeedsTwiceTheEstimate() {
    List<String> calls = new ArrayList<>();
    // No earlier backup: 30% of 1 GB and the globals' floor estimated, twice that required.
    long required = 600_000_000L + 2 * SpaceCheck.GLOBALS_BYTES;
    SpaceCheck.check(store(OptionalLong.of(required), calls), SERVER, CompressionAlgorithm.GZIP);
    assertThat(calls).contains("listIds");
    assertThatThrownBy(
            () ->
                SpaceCheck.check(
                    store(OptionalLong.of(required - 1), new ArrayList<>()),
                    SERVER,
                    CompressionAlgorithm.GZIP))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("not enough space on the backup target");
  }

  @Test
  void theScratchEstimateOfAnObjectStoreComesFromTheDatabaseSize() {
    List<Long> asked = new ArrayList<>();
    BackupStore store = store(OptionalLong.empty(), new ArrayList<>(), asked);
    SpaceCheck.check(store, SERVER, CompressionAlgorithm.ZSTD);
    SpaceCheck.check(store, SERVER, CompressionAlgorithm.NONE);
    assertThat(asked)
        .containsExactly(
            300_000_000L + SpaceCheck.GLOBALS_BYTES, 1_000_000_000L + SpaceCheck.GLOBALS_BYTES);
  }

  @Test
  void theStoreIsToldTheMostABackupCanPlausiblyStoreBeforeTheDump() {
    List<Long> told = new ArrayList<>();
    BackupStore store =
        (BackupStore)
            Proxy.newProxyInstance(
                BackupStore.class.getClassLoader(),
                new Class<?>[] {BackupStore.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "usableSpace" -> OptionalLong.empty();
                      case "scratchFor" -> Optional.empty();
                      case "expectAtMost" -> {
                        told.add((Long) args[0]);
                        yield null;
                      }
                      default -> null;
                    });
    SpaceCheck.check(store, SERVER, CompressionAlgorithm.GZIP);
    // 4 x the 1 GB the server holds, plus 1 GiB: what S3 sizes its equal parts for.
    assertThat(told).containsExactly(4_000_000_000L + (1L << 30));
  }

  /** A store with no backups whose free space is {@code usable}; records the calls made. */
  static BackupStore store(OptionalLong usable, List<String> calls) {
    return store(usable, calls, new ArrayList<>());
  }

  /** ... and records the stored sizes it is asked the scratch space for. */
  static BackupStore store(OptionalLong usable, List<String> calls, List<Long> scratchAsked) {
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
                case "checkWritable", "close", "expectAtMost" -> null;
                case "scratchFor" -> {
                  scratchAsked.add((Long) args[0]);
                  yield Optional.empty();
                }
                default -> throw new AssertionError("unexpected call " + method.getName());
              };
            });
  }
}
