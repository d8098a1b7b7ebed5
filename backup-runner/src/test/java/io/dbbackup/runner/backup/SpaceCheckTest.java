package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void scratchSpaceIsCheckedAgainstTheDiskItIsOn(@TempDir Path dir) throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    SpaceCheck.Estimate estimate = new SpaceCheck.Estimate(300_000_000L, "pg_database_size x 0.3");

    SpaceCheck.checkScratch(new BackupStore.Scratch(dir, free / 2, free / 8, 4), estimate);
    assertThatThrownBy(
            () ->
                SpaceCheck.checkScratch(
                    new BackupStore.Scratch(dir, free * 2, free / 2, 4), estimate))
        .isInstanceOf(RunnerException.class)
        .hasMessageStartingWith("not enough scratch space in " + dir + " for the upload's parts")
        .hasMessageContaining("4 parts of " + Sizes.human(free / 2))
        .extracting(e -> ((RunnerException) e).exitCode())
        .isEqualTo(ExitCode.NOT_ENOUGH_SPACE);
    assertThatThrownBy(
            () ->
                SpaceCheck.checkScratch(
                    new BackupStore.Scratch(dir.resolve("missing"), 1, 1, 1), estimate))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("cannot tell the free space of the scratch directory");
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

  @Test
  void anAbsurdSizeInTheLastManifestIsIgnoredAndNeverOverflows() {
    BackupId id = BackupId.generate(java.time.Instant.parse("2026-11-24T02:00:00Z"));
    for (long claimed : new long[] {Long.MAX_VALUE, 1_000_000_000_000_000L}) {
      Manifest m = manifest(id, claimed);
      SpaceCheck.Estimate e =
          SpaceCheck.fromLastBackup(Optional.of(m), SERVER, CompressionAlgorithm.GZIP);
      // 30% of the 1 GB the server holds (and the globals' floor), not the claim.
      assertThat(e.bytes())
          .as("claimed %d", claimed)
          .isEqualTo(300_000_000L + SpaceCheck.GLOBALS_BYTES);
      assertThat(e.basis()).contains("implausible and ignored");
    }
    assertThat(
            SpaceCheck.fromLastBackup(
                    Optional.of(manifest(id, 123_456_789L)), SERVER, CompressionAlgorithm.GZIP)
                .bytes())
        .isEqualTo(123_456_789L);
    assertThat(SpaceCheck.saturatingMultiply(Long.MAX_VALUE, 2)).isEqualTo(Long.MAX_VALUE);
  }

  static Manifest manifest(BackupId id, long storedBytes) {
    return Manifest.builder()
        .formatVersion(1)
        .id(id.value())
        .startTime(id.startTime())
        .endTime(id.startTime())
        .databases(List.of())
        .file("dump.sql.gz")
        .dumpBytes(storedBytes)
        .storedBytes(storedBytes)
        .sha256("a".repeat(64))
        .compression(new Manifest.Compression("gzip", 6))
        .build();
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

  @Test
  void verificationByRestoreNeedsScratchForTheRestoredClusterAndSaysBothFigures() {
    SpaceCheck.Estimate estimate = new SpaceCheck.Estimate(300_000_000L, "pg_database_size x 0.3");
    // 5x 300 MB beats the 1 GB pg_database_size; plus 256 MiB.
    long required = SpaceCheck.restoreScratchBytes(SERVER, estimate);
    assertThat(required).isEqualTo(1_500_000_000L + (256L << 20));
    java.nio.file.Path dir = java.nio.file.Path.of("/scratch");
    SpaceCheck.checkRestoreScratch(dir, required, SERVER, estimate);
    assertThatThrownBy(() -> SpaceCheck.checkRestoreScratch(dir, required - 1, SERVER, estimate))
        .isInstanceOf(RunnerException.class)
        .satisfies(
            e -> assertThat(((RunnerException) e).exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE))
        .hasMessageContaining("not enough scratch space in /scratch for verification by restore")
        .hasMessageContaining(Sizes.human(required - 1) + " free")
        .hasMessageContaining(Sizes.human(required) + " required");
    // A cluster that compresses well: its pg_database_size is the figure.
    SpaceCheck.Estimate small = new SpaceCheck.Estimate(10_000_000L, "last good backup");
    assertThat(SpaceCheck.restoreScratchBytes(SERVER, small))
        .isEqualTo(1_000_000_000L + (256L << 20));
  }
}
