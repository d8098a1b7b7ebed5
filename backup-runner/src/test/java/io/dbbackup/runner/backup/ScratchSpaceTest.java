package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's own disk: room for an upload's part files and for the restore's scratch cluster. */
class ScratchSpaceTest {
  @Test
  void scratchSpaceIsCheckedAgainstTheDiskItIsOn(@TempDir Path dir) throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    SpaceEstimate estimate = new SpaceEstimate(300_000_000L, "pg_database_size x 0.3");

    ScratchSpace.checkUploadParts(new BackupStore.Scratch(dir, free / 2, free / 8, 4), estimate);
    assertThatThrownBy(
            () ->
                ScratchSpace.checkUploadParts(
                    new BackupStore.Scratch(dir, free * 2, free / 2, 4), estimate))
        .isInstanceOf(RunnerException.class)
        .hasMessageStartingWith("not enough scratch space in " + dir + " for the upload's parts")
        .hasMessageContaining("4 parts of " + Sizes.human(free / 2))
        .extracting(e -> ((RunnerException) e).exitCode())
        .isEqualTo(ExitCode.NOT_ENOUGH_SPACE);
    assertThatThrownBy(
            () ->
                ScratchSpace.checkUploadParts(
                    new BackupStore.Scratch(dir.resolve("missing"), 1, 1, 1), estimate))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("cannot tell the free space of the scratch directory");
  }

  @Test
  void verificationByRestoreNeedsScratchForTheRestoredClusterAndSaysBothFigures() {
    SpaceEstimate estimate = new SpaceEstimate(300_000_000L, "pg_database_size x 0.3");
    // 5x 300 MB beats the 1 GB pg_database_size; plus 256 MiB.
    long required = ScratchSpace.restoreBytes(SpaceCheckTest.SERVER, estimate);
    assertThat(required).isEqualTo(1_500_000_000L + (256L << 20));
    java.nio.file.Path dir = java.nio.file.Path.of("/scratch");
    ScratchSpace.checkRestore(dir, required, SpaceCheckTest.SERVER, estimate);
    assertThatThrownBy(
            () -> ScratchSpace.checkRestore(dir, required - 1, SpaceCheckTest.SERVER, estimate))
        .isInstanceOf(RunnerException.class)
        .satisfies(
            e -> assertThat(((RunnerException) e).exitCode()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE))
        .hasMessageContaining("not enough scratch space in /scratch for verification by restore")
        .hasMessageContaining(Sizes.human(required - 1) + " free")
        .hasMessageContaining(Sizes.human(required) + " required");
    // A cluster that compresses well: its pg_database_size is the figure.
    SpaceEstimate small = new SpaceEstimate(10_000_000L, "last good backup");
    assertThat(ScratchSpace.restoreBytes(SpaceCheckTest.SERVER, small))
        .isEqualTo(1_000_000_000L + (256L << 20));
  }
}
