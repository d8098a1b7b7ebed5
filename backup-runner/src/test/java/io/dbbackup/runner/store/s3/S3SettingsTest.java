package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.store.BackupStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
  static final long MIB = 1024L * 1024;

  @Test
  void specMapsToSettings() {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket("backups");
    spec.setPrefix("shop/orders");
    spec.setEndpoint(" http://minio.storage:9000 ");
    spec.setRegion("");
    spec.setForcePathStyle(true);
    spec.setServerSideEncryption("aws:kms");
    spec.setKmsKeyId(" alias/backups ");
    spec.setChecksumMode("when_required");
    spec.setConditionalWrites("off");
    spec.setPartSizeMiB(8);
    spec.setMaxParts(1000);
    S3Settings s = S3Settings.of(spec, "creds");
    assertThat(s.endpoint()).hasToString("http://minio.storage:9000");
    assertThat(s.region()).isNull();
    assertThat(s.forcePathStyle()).isTrue();
    assertThat(s.serverSideEncryption())
        .isEqualTo(new ObjectEncryption("aws:kms", "alias/backups"));
    assertThat(s.checksumsWhenSupported()).isFalse();
    assertThat(s.conditionalWrites()).isEqualTo(ConditionalWrites.OFF);
    assertThat(s.partSizer()).isEqualTo(new PartSizer(8 * MIB, 1000));
    assertThat(s.cleanupPatience()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.endpointDescription()).isEqualTo("http://minio.storage:9000");
  }

  @Test
  void defaultsAreAwsWithChecksumsAndConditionalWrites() {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket("backups");
    S3Settings s = S3Settings.of(spec, "creds");
    assertThat(s.endpoint()).isNull();
    assertThat(s.prefix()).isEmpty();
    assertThat(s.checksumsWhenSupported()).isTrue();
    assertThat(s.conditionalWrites()).isEqualTo(ConditionalWrites.AUTO);
    assertThat(s.partSizer()).isEqualTo(new PartSizer(16 * MIB, 10_000));
    assertThat(s.serverSideEncryption()).isEqualTo(ObjectEncryption.NONE);
  }

  @Test
  void partsInFlightShrinkAsPartsGrowSoMemoryStaysBounded() {
    S3Settings s =
        S3Settings.of(minimal(), "creds").withUploadMemory(3, 256 * MIB, Path.of("/tmp"));
    assertThat(s.partsInFlight(16 * MIB)).isEqualTo(3); // 4 x 16 MiB held
    assertThat(s.partsInFlight(64 * MIB)).isEqualTo(3); // 4 x 64 MiB = 256 MiB
    assertThat(s.partsInFlight(100 * MIB)).isEqualTo(1); // 2 x 100 MiB
    assertThat(s.spills(128 * MIB)).isFalse(); // 2 x 128 MiB: the last size held in memory
    assertThat(s.spills(129 * MIB)).isTrue(); // beyond: scratch files
    for (long part = 5 * MIB; part <= 128 * MIB; part += MIB) {
      assertThat((s.partsInFlight(part) + 1) * part).isLessThanOrEqualTo(256 * MIB);
    }
  }

  @Test
  void partsThatTwoOfDoNotFitInTheMemoryGoToScratchFiles() {
    // The image's heap (128 MiB) gives about 42 MiB of upload memory.
    S3Settings s = S3Settings.of(minimal(), "creds").withUploadMemory(3, 42 * MIB, Path.of("/s"));
    assertThat(s.spills(16 * MIB)).isFalse(); // the default parts stay in memory
    assertThat(s.partsInFlight(16 * MIB)).isEqualTo(1); // 2 x 16 MiB held
    assertThat(s.spills(21 * MIB)).isFalse();
    assertThat(s.spills(22 * MIB)).isTrue();
    assertThat(s.partsInFlight(64 * MIB)).isEqualTo(3); // in files: memory is not the limit
    assertThat(s.partsInFlight(2047 * MIB)).isEqualTo(3);
    assertThat(s.scratchDir()).isEqualTo(Path.of("/s"));
    assertThat(S3Settings.of(minimal(), "creds").scratchDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
  }

  @Test
  void scratchSpaceIsNeededOnlyOncePartsSpillAndThenForEachPartInFlightAndTheOneFilling() {
    S3Settings s = S3Settings.of(minimal(), "creds").withUploadMemory(3, 42 * MIB, Path.of("/s"));
    // 16 MiB parts (the default): in memory, no scratch.
    assertThat(s.scratchFor(16 * MIB)).isEmpty();
    // 32 MiB parts: four of them in files (three in flight, one filling).
    assertThat(s.scratchFor(32 * MIB))
        .contains(new BackupStore.Scratch(Path.of("/s"), 4 * 32 * MIB, 32 * MIB, 4));
    // 1 GiB parts: 4 GiB.
    assertThat(s.scratchFor(1024 * MIB).orElseThrow().bytes()).isEqualTo(4096 * MIB);
  }

  @Test
  void partsLargerThanARunnerPartCanHoldAreSentAtItsLargest() {
    S3StorageSpec spec = minimal();
    spec.setPartSizeMiB(5120); // S3's largest, which the resource allows
    assertThat(S3Settings.of(spec, "creds").partSizer().partSize())
        .isEqualTo(PartSizer.MAX_PART_SIZE);
    spec.setPartSizeMiB(2047);
    assertThat(S3Settings.of(spec, "creds").partSizer().partSize()).isEqualTo(2047 * MIB);
  }

  private static S3StorageSpec minimal() {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket("backups");
    return spec;
  }
}
