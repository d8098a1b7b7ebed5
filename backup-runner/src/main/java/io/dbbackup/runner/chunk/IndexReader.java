package io.dbbackup.runner.chunk;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/** Reads an incremental backup's index, checked against the SHA-256 its manifest records. */
public final class IndexReader {
  private IndexReader() {}

  /**
   * @throws RunnerException {@link ExitCode#VERIFICATION_FAILED} when the index is missing, differs
   *     from the manifest's record or is malformed; {@link ExitCode#STORAGE_FAILED} when it cannot
   *     be read
   */
  public static ChunkIndex read(BackupStore store, Manifest m) {
    String where = m.id() + "/" + ChunkIndex.FILE_NAME;
    byte[] bytes;
    try (InputStream in = store.open(m.backupId(), ChunkIndex.FILE_NAME)) {
      bytes = in.readAllBytes();
    } catch (NoSuchFileException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "backup " + m.id() + ": " + where + " is missing");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.STORAGE_FAILED, "cannot read " + where + ": " + e.getMessage(), e);
    }
    String sha = ChunkWriter.sha256(bytes, bytes.length);
    if (!sha.equals(m.sha256())) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + m.id() + ": SHA-256 of " + where + " is " + sha + ", expected " + m.sha256());
    }
    try {
      return ChunkIndex.decode(new ByteArrayInputStream(bytes), where);
    } catch (ManifestException e) {
      throw new RunnerException(ExitCode.VERIFICATION_FAILED, e.getMessage(), e);
    } catch (IOException e) {
      throw new RunnerException(ExitCode.STORAGE_FAILED, e.getMessage(), e);
    }
  }

  /** The reading side of the backup's chunks. */
  public static ChunkFormat format(Manifest m, io.dbbackup.runner.crypto.Decryptor decryptor) {
    return ChunkFormat.reader(
        CompressionAlgorithm.valueOf(m.compression().algorithm().toUpperCase(Locale.ROOT)),
        m.encrypted(),
        decryptor);
  }
}
