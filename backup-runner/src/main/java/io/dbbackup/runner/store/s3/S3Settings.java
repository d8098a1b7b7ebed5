package io.dbbackup.runner.store.s3;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.store.BackupStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the runner talks to one bucket: spec.storage.s3 plus the limits that are not part of the
 * resource (parts in flight, upload memory, how long cleanup keeps trying).
 *
 * @param region null: the SDK's region chain, else us-east-1
 * @param endpoint null: AWS
 * @param serverSideEncryption what the store encrypts objects with (SSE-S3, SSE-KMS, none)
 * @param checksumMode when the SDK sends and checks CRC32 checksums
 * @param credentialsSource where the credentials come from, for error messages (never a secret)
 * @param scratchDir where parts too large for {@code uploadMemory} are kept while they upload
 * @param timeouts the time limits of each request ({@link S3Timeouts#DEFAULT})
 */
public record S3Settings(
    String bucket,
    String prefix,
    String region,
    URI endpoint,
    boolean forcePathStyle,
    ObjectEncryption serverSideEncryption,
    ChecksumMode checksumMode,
    ConditionalWrites conditionalWrites,
    PartSizer partSizer,
    int maxPartsInFlight,
    long uploadMemory,
    Duration cleanupPatience,
    String credentialsSource,
    Path scratchDir,
    S3Timeouts timeouts) {

  static final long MIB = 1024L * 1024;
  static final int MAX_PARTS_IN_FLIGHT = 3;
  static final long UPLOAD_MEMORY = 256 * MIB;
  static final Duration CLEANUP_PATIENCE = Duration.ofSeconds(60);

  public static S3Settings of(S3StorageSpec spec, String credentialsSource) {
    return new S3Settings(
        spec.getBucket(),
        spec.getPrefix() == null ? "" : spec.getPrefix(),
        blankToNull(spec.getRegion()),
        blankToNull(spec.getEndpoint()) == null ? null : URI.create(spec.getEndpoint().trim()),
        spec.isForcePathStyle(),
        new ObjectEncryption(spec.getServerSideEncryption(), spec.getKmsKeyId()),
        ChecksumMode.parse(spec.getChecksumMode()),
        ConditionalWrites.parse(spec.getConditionalWrites()),
        // The resource allows S3's 5 GiB; a part is held in one array or file region, 2047 MiB.
        new PartSizer(
            Math.min(spec.getPartSizeMiB() * MIB, PartSizer.MAX_PART_SIZE), spec.getMaxParts()),
        MAX_PARTS_IN_FLIGHT,
        Math.min(UPLOAD_MEMORY, Runtime.getRuntime().maxMemory() / 3),
        CLEANUP_PATIENCE,
        credentialsSource,
        Path.of(System.getProperty("java.io.tmpdir")),
        S3Timeouts.DEFAULT);
  }

  /**
   * Whether parts of {@code partSize} are kept in scratch files: when two of them (one uploading,
   * one filling) do not fit in {@code uploadMemory}. With the image's 128 MiB heap that is from 32
   * MiB parts on (past about 16 GB of stored dump with the defaults), and the heap stays bounded
   * however large the dump.
   */
  boolean spills(long partSize) {
    return 2 * partSize > uploadMemory;
  }

  /**
   * Parts uploading at once for parts of {@code partSize}: within the memory, at least one; parts
   * in scratch files take no memory, so as many as {@code maxPartsInFlight}.
   */
  int partsInFlight(long partSize) {
    if (spills(partSize)) {
      return maxPartsInFlight;
    }
    long fit = uploadMemory / Math.max(1, partSize) - 1;
    return (int) Math.max(1, Math.min(maxPartsInFlight, fit));
  }

  /**
   * The scratch space an upload in parts of {@code partSize} needs at most: none while its parts
   * fit in memory, else a file for each part in flight and one for the part filling.
   */
  Optional<BackupStore.Scratch> scratchFor(long partSize) {
    if (!spills(partSize)) {
      return Optional.empty();
    }
    int files = partsInFlight(partSize) + 1;
    return Optional.of(new BackupStore.Scratch(scratchDir, files * partSize, partSize, files));
  }

  /** Whether every upload and download carries a CRC32 (checksumMode when_supported). */
  boolean checksumsWhenSupported() {
    return checksumMode == ChecksumMode.WHEN_SUPPORTED;
  }

  /** Where the store is, for messages. */
  String endpointDescription() {
    return endpoint == null
        ? "AWS S3" + (region == null ? "" : " (" + region + ")")
        : endpoint.toString();
  }

  public S3Settings withConditionalWrites(ConditionalWrites mode) {
    return withRunChoices(
        mode, maxPartsInFlight, uploadMemory, cleanupPatience, scratchDir, timeouts);
  }

  public S3Settings withCleanupPatience(Duration patience) {
    return withRunChoices(
        conditionalWrites, maxPartsInFlight, uploadMemory, patience, scratchDir, timeouts);
  }

  /** The upload's memory limits, and where the parts that do not fit in them are kept. */
  public S3Settings withUploadMemory(int partsInFlight, long memory, Path scratch) {
    return withRunChoices(
        conditionalWrites, partsInFlight, memory, cleanupPatience, scratch, timeouts);
  }

  /** Other request time limits (tests: small ones, to see a hung store given up quickly). */
  S3Settings withTimeouts(S3Timeouts limits) {
    return withRunChoices(
        conditionalWrites, maxPartsInFlight, uploadMemory, cleanupPatience, scratchDir, limits);
  }

  /**
   * A copy for the same bucket, addressed, encrypted, checksummed and split into parts the same
   * way, with the given choices of how to write to it (the ones the {@code with} methods change).
   */
  private S3Settings withRunChoices(
      ConditionalWrites conditionalWrites,
      int maxPartsInFlight,
      long uploadMemory,
      Duration cleanupPatience,
      Path scratchDir,
      S3Timeouts timeouts) {
    return new S3Settings(
        bucket,
        prefix,
        region,
        endpoint,
        forcePathStyle,
        serverSideEncryption,
        checksumMode,
        conditionalWrites,
        partSizer,
        maxPartsInFlight,
        uploadMemory,
        cleanupPatience,
        credentialsSource,
        scratchDir,
        timeouts);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
