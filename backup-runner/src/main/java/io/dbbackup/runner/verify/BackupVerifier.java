package io.dbbackup.runner.verify;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.crypto.OpenPgpStructure;
import io.dbbackup.runner.pipeline.CompressAndEncrypt;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.DumpTrailer;
import io.dbbackup.runner.pipeline.TransferProgress;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a stored backup back from the store and checks it end to end: the checksum file, the
 * SHA-256 and size of the stored bytes, then either a full decryption and decompression (the plain
 * dump's SHA-256 and size, pg_dumpall's completion trailer) or — for a file encrypted to public
 * keys whose private key the cluster does not hold — its OpenPGP structure and recipients. Any
 * mismatch is a verification failure.
 */
public final class BackupVerifier {
  private static final int BUFFER = 256 * 1024;

  private final BackupStore store;
  private final Duration progressInterval;

  public BackupVerifier(BackupStore store, Duration progressInterval) {
    this.store = store;
    this.progressInterval = progressInterval;
  }

  /**
   * What a backup should be; null fields are not checked. {@code recipientKeyIds}: the key ids an
   * encrypted file must carry session keys for.
   */
  public record Expected(
      String file,
      String sha256,
      Long storedBytes,
      String plainSha256,
      Long dumpBytes,
      List<String> recipientKeyIds) {
    public Expected(
        String file, String sha256, Long storedBytes, String plainSha256, Long dumpBytes) {
      this(file, sha256, storedBytes, plainSha256, dumpBytes, null);
    }
  }

  /** What was read back; {@code full} is false when only the OpenPGP structure was checked. */
  public record Result(
      long storedBytes, String sha256, long dumpBytes, String plainSha256, boolean full) {}

  /**
   * Verifies a stored backup against its manifest: checksum, sizes and hashes, and the recipients
   * the manifest names; decrypted in full when {@code decryptor} is given.
   */
  public Result verify(Manifest m, Decryptor decryptor, BooleanSupplier cancelled) {
    return verify(m, decryptor, cancelled, null);
  }

  /**
   * As {@link #verify(Manifest, Decryptor, BooleanSupplier)}, also passing the plain dump, as it is
   * read, to {@code plainTap} when not null (a restore learns the dump's databases from it).
   */
  public Result verify(
      Manifest m, Decryptor decryptor, BooleanSupplier cancelled, OutputStream plainTap) {
    return verify(
        m.backupId(),
        Compressor.of(m.compression()),
        decryptor,
        m.encrypted(),
        new Expected(
            m.file(),
            m.sha256(),
            m.storedBytes(),
            m.plainSha256(),
            m.dumpBytes(),
            m.encrypted() ? m.encryption().keyIds() : null),
        cancelled,
        plainTap);
  }

  /**
   * Verifies backup {@code id}.
   *
   * @param decryptor for an encrypted file when a key or passphrase is at hand, else null
   * @param encrypted whether the stored file is OpenPGP-encrypted
   * @param cancelled polled while reading; when true the read stops with a timeout
   * @throws RunnerException {@link ExitCode#VERIFICATION_FAILED} naming every mismatch, or {@link
   *     ExitCode#STORAGE_FAILED} when the store cannot be read
   */
  public Result verify(
      BackupId id,
      Compressor compressor,
      Decryptor decryptor,
      boolean encrypted,
      Expected expected,
      BooleanSupplier cancelled) {
    return verify(id, compressor, decryptor, encrypted, expected, cancelled, null);
  }

  /**
   * As {@link #verify(BackupId, Compressor, Decryptor, boolean, Expected, BooleanSupplier)}, also
   * passing the plain dump, as it is read, to {@code plainTap} when not null (verification by
   * restore feeds it to the scratch cluster).
   */
  public Result verify(
      BackupId id,
      Compressor compressor,
      Decryptor decryptor,
      boolean encrypted,
      Expected expected,
      BooleanSupplier cancelled,
      OutputStream plainTap) {
    List<String> problems = new ArrayList<>();
    String checksumName = expected.file() + ".sha256";
    ChecksumFile checksum = readChecksum(id, checksumName, expected.file(), problems);
    boolean full = !encrypted || decryptor != null;

    MessageDigest storedDigest = sha256();
    MessageDigest plainDigest = sha256();
    DumpTrailer trailer = new DumpTrailer();
    long stored;
    long plain = 0;
    try (TransferProgress progress = new TransferProgress("verify", progressInterval);
        InputStream raw = store.open(id, expected.file());
        CountingInputStream counted = new CountingInputStream(raw, progress.storedBytes());
        InputStream hashed = new DigestInputStream(counted, storedDigest)) {
      try {
        if (full) {
          plain =
              readPlain(
                  hashed,
                  decryptor,
                  compressor,
                  plainDigest,
                  trailer,
                  progress,
                  cancelled,
                  id,
                  plainTap);
        } else {
          OpenPgpStructure.Report report = OpenPgpStructure.check(hashed);
          if (expected.recipientKeyIds() != null) {
            report.requireRecipients(expected.recipientKeyIds());
          }
        }
      } catch (OpenPgpException e) {
        problems.add(
            "OpenPGP "
                + e.reason().name().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + e.getMessage());
      } catch (NoSuchFileException e) {
        throw e;
      } catch (IOException e) {
        problems.add(
            "the stored file cannot be read back ("
                + compressor.algorithm().wireName()
                + (encrypted ? ", OpenPGP" : "")
                + "): "
                + e.getMessage());
      }
      // Whatever the readers left unread (after the end, or after a failure) still counts: the
      // size and SHA-256 checks always cover the whole stored file.
      byte[] buffer = new byte[BUFFER];
      while (hashed.read(buffer) >= 0) {
        // counted and hashed
      }
      stored = counted.count();
    } catch (NoSuchFileException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "backup " + id + ": " + expected.file() + " is missing");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED,
          "backup " + id + ": cannot read " + expected.file() + " back: " + e.getMessage(),
          e);
    }

    String storedSha = Sha256.hex(storedDigest);
    String plainSha = Sha256.hex(plainDigest);
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
    if (problems.isEmpty() && full) {
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
    return full
        ? new Result(stored, storedSha, plain, plainSha, true)
        : new Result(stored, storedSha, -1, null, false);
  }

  private static long readPlain(
      InputStream hashed,
      Decryptor decryptor,
      Compressor compressor,
      MessageDigest plainDigest,
      DumpTrailer trailer,
      TransferProgress progress,
      BooleanSupplier cancelled,
      BackupId id,
      OutputStream plainTap)
      throws IOException {
    long plain = 0;
    try (InputStream in = CompressAndEncrypt.read(new KeepOpen(hashed), decryptor, compressor)) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (cancelled.getAsBoolean()) {
          throw new RunnerException(ExitCode.TIMEOUT, "timed out while verifying " + id);
        }
        plainDigest.update(buffer, 0, n);
        trailer.update(buffer, 0, n);
        if (plainTap != null) {
          plainTap.write(buffer, 0, n);
        }
        plain += n;
        progress.plainBytes().addAndGet(n);
      }
    }
    return plain;
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
    } catch (NoSuchFileException e) {
      problems.add(checksumName + " is missing");
      return null;
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED, "backup " + id + ": cannot read " + checksumName, e);
    }
  }

  private static MessageDigest sha256() {
    return Sha256.newDigest();
  }

  /** Lets the readers close their stream without closing the hashed one, still to be drained. */
  private static final class KeepOpen extends java.io.FilterInputStream {
    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller closes the underlying stream
    }
  }
}
