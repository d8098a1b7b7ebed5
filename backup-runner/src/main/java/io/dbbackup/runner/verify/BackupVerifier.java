package io.dbbackup.runner.verify;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.crypto.OpenPgpStructure;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
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
import java.util.List;
import java.util.Locale;
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
      List<String> recipientKeyIds) {}

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
    ReadBack read =
        readBack(new Request(id, compressor, decryptor, encrypted, expected, cancelled, plainTap));
    List<String> problems = VerificationProblems.of(expected, read);
    if (!problems.isEmpty()) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + id + " failed verification: " + String.join("; ", problems));
    }
    return read.full()
        ? new Result(
            read.storedBytes(), read.storedSha256(), read.plainBytes(), read.plainSha256(), true)
        : new Result(read.storedBytes(), read.storedSha256(), -1, null, false);
  }

  /** One verification's arguments. */
  private record Request(
      BackupId id,
      Compressor compressor,
      Decryptor decryptor,
      boolean encrypted,
      Expected expected,
      BooleanSupplier cancelled,
      OutputStream plainTap) {
    /** Whether the plain dump can be read: else only the OpenPGP structure is checked. */
    boolean full() {
      return !encrypted || decryptor != null;
    }
  }

  /**
   * Reads the checksum file and the stored file back, the latter to its end whatever fails on the
   * way (so its size and SHA-256 always cover the whole file).
   */
  private ReadBack readBack(Request r) {
    String file = r.expected().file();
    byte[] checksum = readChecksum(r.id(), ChecksumFile.nameFor(file));
    MessageDigest storedDigest = sha256();
    Plain plain = new Plain();
    try (TransferProgress progress = new TransferProgress("verify", progressInterval);
        InputStream raw = store.open(r.id(), file);
        CountingInputStream counted = new CountingInputStream(raw, progress.storedBytes());
        InputStream hashed = new DigestInputStream(counted, storedDigest)) {
      String failure = readContent(r, hashed, plain, progress);
      // Whatever the readers left unread (after the end, or after a failure) still counts: the
      // size and SHA-256 checks always cover the whole stored file.
      byte[] buffer = new byte[BUFFER];
      while (hashed.read(buffer) >= 0) {
        // counted and hashed
      }
      return new ReadBack(
          checksum,
          failure,
          counted.count(),
          Sha256.hex(storedDigest),
          r.full(),
          plain.bytes,
          Sha256.hex(plain.digest),
          plain.trailer.isComplete());
    } catch (NoSuchFileException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "backup " + r.id() + ": " + file + " is missing");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED,
          "backup " + r.id() + ": cannot read " + file + " back: " + e.getMessage(),
          e);
    }
  }

  /**
   * Reads the stored file's content: decrypted and decompressed into {@code plain} when possible,
   * else its OpenPGP structure and the expected recipients checked.
   *
   * @return why the content cannot be read, or null
   * @throws NoSuchFileException when the file is gone
   */
  private static String readContent(
      Request r, InputStream hashed, Plain plain, TransferProgress progress) throws IOException {
    try {
      if (r.full()) {
        plain.read(hashed, r, progress);
      } else {
        OpenPgpStructure.Report report = OpenPgpStructure.check(hashed);
        if (r.expected().recipientKeyIds() != null) {
          report.requireRecipients(r.expected().recipientKeyIds());
        }
      }
      return null;
    } catch (OpenPgpException e) {
      return "OpenPGP " + e.reason().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage();
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      return "the stored file cannot be read back ("
          + r.compressor().algorithm().wireName()
          + (r.encrypted() ? ", OpenPGP" : "")
          + "): "
          + e.getMessage();
    }
  }

  /** The plain dump as it is read: its SHA-256, size and completion trailer. */
  private static final class Plain {
    final MessageDigest digest = sha256();
    final DumpTrailer trailer = new DumpTrailer();
    long bytes;

    void read(InputStream hashed, Request r, TransferProgress progress) throws IOException {
      try (InputStream in =
          CompressAndEncrypt.read(new KeepOpen(hashed), r.decryptor(), r.compressor())) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (r.cancelled().getAsBoolean()) {
            throw new RunnerException(ExitCode.TIMEOUT, "timed out while verifying " + r.id());
          }
          digest.update(buffer, 0, n);
          trailer.update(buffer, 0, n);
          if (r.plainTap() != null) {
            r.plainTap().write(buffer, 0, n);
          }
          bytes += n;
          progress.plainBytes().addAndGet(n);
        }
      }
    }
  }

  /** The start of the checksum file, or null when it is missing. */
  private byte[] readChecksum(BackupId id, String checksumName) {
    try (InputStream in = store.open(id, checksumName)) {
      return in.readNBytes(4096);
    } catch (NoSuchFileException e) {
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
