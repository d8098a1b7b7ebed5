package io.dbbackup.runner.verify;

import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.DumpTrailer;
import io.dbbackup.runner.pipeline.TransferProgress;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a stored backup back from the store and checks it end to end: the checksum file, the
 * SHA-256 and size of the stored bytes, a full decompression, the SHA-256 and size of the plain
 * dump, and pg_dumpall's completion trailer. Any mismatch is a verification failure.
 */
public final class BackupVerifier {
  private static final int BUFFER = 256 * 1024;

  private final BackupStore store;
  private final Duration progressInterval;

  public BackupVerifier(BackupStore store, Duration progressInterval) {
    this.store = store;
    this.progressInterval = progressInterval;
  }

  /** What a backup should be; null fields are not checked. */
  public record Expected(
      String file, String sha256, Long storedBytes, String plainSha256, Long dumpBytes) {}

  /** What was read back. */
  public record Result(long storedBytes, String sha256, long dumpBytes, String plainSha256) {}

  /**
   * Verifies backup {@code id}.
   *
   * @param cancelled polled while reading; when true the read stops with a timeout
   * @throws RunnerException {@link ExitCode#VERIFICATION_FAILED} naming every mismatch, or {@link
   *     ExitCode#STORAGE_FAILED} when the store cannot be read
   */
  public Result verify(
      BackupId id, Compressor compressor, Expected expected, BooleanSupplier cancelled) {
    List<String> problems = new ArrayList<>();
    String checksumName = expected.file() + ".sha256";
    ChecksumFile checksum = readChecksum(id, checksumName, expected.file(), problems);

    MessageDigest storedDigest = sha256();
    MessageDigest plainDigest = sha256();
    DumpTrailer trailer = new DumpTrailer();
    long stored;
    long plain = 0;
    try (TransferProgress progress = new TransferProgress("verify", progressInterval);
        InputStream raw = store.open(id, expected.file());
        CountingInputStream counted = new CountingInputStream(raw, progress.storedBytes());
        InputStream hashed = new DigestInputStream(counted, storedDigest)) {
      try (InputStream decompressed = compressor.decompress(hashed)) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = decompressed.read(buffer)) >= 0) {
          if (cancelled.getAsBoolean()) {
            throw new RunnerException(ExitCode.TIMEOUT, "timed out while verifying " + id);
          }
          plainDigest.update(buffer, 0, n);
          trailer.update(buffer, 0, n);
          plain += n;
          progress.plainBytes().addAndGet(n);
        }
        // Drain what the decompressor left unread (e.g. bytes after the gzip trailer), so the
        // stored hash covers the whole file.
        while (hashed.read(buffer) >= 0) {
          // counted and hashed
        }
      } catch (IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
          throw e;
        }
        problems.add(
            "the stored file cannot be decompressed as "
                + compressor.algorithm().wireName()
                + ": "
                + e.getMessage());
      }
      stored = counted.count();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "backup " + id + ": " + expected.file() + " is missing");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED,
          "backup " + id + ": cannot read " + expected.file() + " back: " + e.getMessage(),
          e);
    }

    String storedSha = HexFormat.of().formatHex(storedDigest.digest());
    String plainSha = HexFormat.of().formatHex(plainDigest.digest());
    if (checksum != null && !checksum.sha256().equals(storedSha)) {
      problems.add(
          "SHA-256 of "
              + expected.file()
              + " is "
              + storedSha
              + " but "
              + checksumName
              + " says "
              + checksum.sha256());
    }
    if (expected.sha256() != null && !expected.sha256().equals(storedSha)) {
      problems.add(
          "SHA-256 of " + expected.file() + " is " + storedSha + ", expected " + expected.sha256());
    }
    if (expected.storedBytes() != null && expected.storedBytes() != stored) {
      problems.add(
          expected.file() + " has " + stored + " bytes, expected " + expected.storedBytes());
    }
    if (problems.isEmpty()) {
      if (expected.dumpBytes() != null && expected.dumpBytes() != plain) {
        problems.add("the dump has " + plain + " bytes, expected " + expected.dumpBytes());
      }
      if (expected.plainSha256() != null && !expected.plainSha256().equals(plainSha)) {
        problems.add("SHA-256 of the dump is " + plainSha + ", expected " + expected.plainSha256());
      }
      if (!trailer.isComplete()) {
        problems.add(
            "the dump does not end with \"-- "
                + DumpTrailer.CLUSTER_DUMP_COMPLETE
                + "\": it is incomplete");
      }
    }
    if (!problems.isEmpty()) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + id + " failed verification: " + String.join("; ", problems));
    }
    return new Result(stored, storedSha, plain, plainSha);
  }

  private ChecksumFile readChecksum(
      BackupId id, String checksumName, String file, List<String> problems) {
    try (InputStream in = store.open(id, checksumName)) {
      byte[] content = in.readNBytes(4096);
      ChecksumFile checksum = ChecksumFile.parse(content).orElse(null);
      if (checksum == null) {
        problems.add(checksumName + " is not in sha256sum format");
      } else if (!checksum.fileName().equals(file)) {
        problems.add(checksumName + " names " + checksum.fileName() + ", not " + file);
      }
      return checksum;
    } catch (java.nio.file.NoSuchFileException e) {
      problems.add(checksumName + " is missing");
      return null;
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED, "backup " + id + ": cannot read " + checksumName, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
