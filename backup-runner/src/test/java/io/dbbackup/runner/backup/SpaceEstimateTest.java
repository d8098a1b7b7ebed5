package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Manifest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The first backup's estimate counts the user databases' data, not every database's catalogs; a
 * later one's rests on the last manifest only when its claim is plausible.
 */
class SpaceEstimateTest {
  private static final long MB = 1_000_000L;

  private static ServerInfo server(Manifest.DatabaseInfo... dbs) {
    return new ServerInfo("17.6", 170006, List.of(dbs));
  }

  @Test
  void systemDatabasesAndEmptyCatalogsDoNotCount() {
    ServerInfo small =
        server(
            new Manifest.DatabaseInfo("postgres", 7_500_000L),
            new Manifest.DatabaseInfo("template1", 7_500_000L),
            new Manifest.DatabaseInfo("shop", 17_500_000L));

    SpaceEstimate e = SpaceEstimate.fromDatabaseSize(small, CompressionAlgorithm.GZIP);

    // shop holds 10 MB beyond an empty database's catalogs: 30% of it, plus the globals' floor.
    assertThat(e.bytes()).isEqualTo((long) (10 * MB * 0.3) + SpaceCheck.GLOBALS_BYTES);
    assertThat(e.basis())
        .contains("pg_database_size x 0.3 of the user databases (shop, less ")
        .contains("an empty database occupies")
        .doesNotContain("postgres")
        .doesNotContain("template1");
  }

  @Test
  void aClusterWithoutUserDatabasesNeedsOnlyTheGlobals() {
    SpaceEstimate e =
        SpaceEstimate.fromDatabaseSize(
            server(
                new Manifest.DatabaseInfo("postgres", 7_500_000L),
                new Manifest.DatabaseInfo("template1", 7_500_000L)),
            CompressionAlgorithm.NONE);
    assertThat(e.bytes()).isEqualTo(SpaceCheck.GLOBALS_BYTES);
    assertThat(e.basis()).contains("user databases (none");
  }

  @Test
  void uncompressedCountsTheWholeData() {
    SpaceEstimate e =
        SpaceEstimate.fromDatabaseSize(
            server(
                new Manifest.DatabaseInfo("template1", 7 * MB),
                new Manifest.DatabaseInfo("a", 107 * MB),
                new Manifest.DatabaseInfo("b", 57 * MB)),
            CompressionAlgorithm.NONE);
    assertThat(e.bytes()).isEqualTo(150 * MB + SpaceCheck.GLOBALS_BYTES);
  }

  @Test
  void theRefusalSaysHowTheFigureWasMadeAndHowToOverrideIt() {
    ServerInfo server =
        server(
            new Manifest.DatabaseInfo("template1", 7 * MB),
            new Manifest.DatabaseInfo("shop", 1007 * MB));
    var free = java.util.OptionalLong.of(100 * MB);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                SpaceCheck.check(
                    SpaceCheckTest.store(free, new java.util.ArrayList<>()),
                    server,
                    CompressionAlgorithm.GZIP))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE))
        .hasMessageContaining("from the pg_database_size x 0.3 of the user databases (shop")
        .hasMessageContaining("set spec.expectedSizeMiB");

    // The user's figure replaces the estimate: 40 MiB expected, 80 MiB required, 100 MB free.
    List<String> calls = new java.util.ArrayList<>();
    SpaceCheck.check(SpaceCheckTest.store(free, calls), server, CompressionAlgorithm.GZIP, 40L);
    assertThat(calls).doesNotContain("listIds");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                SpaceCheck.check(
                    SpaceCheckTest.store(free, new java.util.ArrayList<>()),
                    server,
                    CompressionAlgorithm.GZIP,
                    60L))
        .hasMessageContaining("from the spec.expectedSizeMiB: 60");
  }

  @Test
  void anAbsurdSizeInTheLastManifestIsIgnoredAndNeverOverflows() {
    BackupId id = BackupId.generate(java.time.Instant.parse("2026-11-24T02:00:00Z"));
    for (long claimed : new long[] {Long.MAX_VALUE, 1_000_000_000_000_000L}) {
      Manifest m = manifest(id, claimed);
      SpaceEstimate e =
          SpaceEstimate.fromLastBackup(
              Optional.of(m), SpaceCheckTest.SERVER, CompressionAlgorithm.GZIP);
      // 30% of the 1 GB the server holds (and the globals' floor), not the claim.
      assertThat(e.bytes())
          .as("claimed %d", claimed)
          .isEqualTo(300_000_000L + SpaceCheck.GLOBALS_BYTES);
      assertThat(e.basis()).contains("implausible and ignored");
    }
    assertThat(
            SpaceEstimate.fromLastBackup(
                    Optional.of(manifest(id, 123_456_789L)),
                    SpaceCheckTest.SERVER,
                    CompressionAlgorithm.GZIP)
                .bytes())
        .isEqualTo(123_456_789L);
    assertThat(SpaceEstimate.saturatingMultiply(Long.MAX_VALUE, 2)).isEqualTo(Long.MAX_VALUE);
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
}
