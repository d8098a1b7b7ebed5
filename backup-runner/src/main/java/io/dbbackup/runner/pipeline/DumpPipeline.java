package io.dbbackup.runner.pipeline;

import io.dbbackup.runner.crypto.Encryptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The data path in one streaming pass: dump bytes → SHA-256 of the plain dump → compression →
 * encryption (when configured) → SHA-256 of the stored bytes → the store. Memory is bounded by one
 * buffer and the compressor's window, whatever the size of the database.
 */
public final class DumpPipeline {
  static final int BUFFER = 256 * 1024;

  private DumpPipeline() {}

  /** What went through the pipeline. */
  public record Result(
      long dumpBytes,
      long storedBytes,
      String plainSha256,
      String storedSha256,
      boolean trailerComplete) {}

  /**
   * Pumps {@code source} to {@code sink} until the source ends. Read errors are thrown as they are;
   * write errors as {@link StorageWriteException}. {@code sink} is flushed, not closed.
   */
  public static Result pump(
      InputStream source,
      Compressor compressor,
      Encryptor encryptor,
      OutputStream sink,
      TransferProgress progress)
      throws IOException {
    return pump(source, compressor, encryptor, sink, progress, null);
  }

  /**
   * As {@link #pump(InputStream, Compressor, Encryptor, OutputStream, TransferProgress)}, also
   * counting the dump's content into {@code content} in the same pass when not null.
   */
  public static Result pump(
      InputStream source,
      Compressor compressor,
      Encryptor encryptor,
      OutputStream sink,
      TransferProgress progress,
      DumpContent content)
      throws IOException {
    return pump(source, compressor, encryptor, sink, progress, content, null);
  }

  /**
   * As above, also passing the plain dump to {@code plainTee} when not null (verification by
   * restore with source stream: the scratch cluster's psql). {@code plainTee} must not throw: its
   * failures are its own to report.
   */
  public static Result pump(
      InputStream source,
      Compressor compressor,
      Encryptor encryptor,
      OutputStream sink,
      TransferProgress progress,
      DumpContent content,
      OutputStream plainTee)
      throws IOException {
    HashingOutputStream stored =
        new HashingOutputStream(new StorageSideStream(sink), progress.storedBytes());
    OutputStream compressed = CompressAndEncrypt.open(stored, compressor, encryptor);
    HashingOutputStream plain = new HashingOutputStream(compressed, progress.plainBytes());
    DumpTrailer trailer = new DumpTrailer();
    try (plain) {
      copy(source, trailer, content, plainTee, plain);
    }
    return new Result(
        plain.count(), stored.count(), plain.sha256Hex(), stored.sha256Hex(), trailer.isComplete());
  }

  /**
   * The plain dump into {@code plainSink} (an incremental backup's chunker), through the same
   * trailer check, content counting and plain SHA-256 as the full path. Read errors are thrown as
   * they are; write errors as {@link StorageWriteException}. {@code plainSink} is flushed, not
   * closed. The result's stored fields are 0 and null: the chunks account for them.
   */
  public static Result pumpPlain(
      InputStream source, OutputStream plainSink, TransferProgress progress, DumpContent content)
      throws IOException {
    HashingOutputStream plain =
        new HashingOutputStream(new StorageSideStream(plainSink), progress.plainBytes());
    DumpTrailer trailer = new DumpTrailer();
    try (plain) {
      copy(source, trailer, content, null, plain);
    }
    return new Result(plain.count(), 0, plain.sha256Hex(), null, trailer.isComplete());
  }

  /**
   * Copies the plain dump from {@code source} to {@code plain}, feeding each block on the way to
   * the trailer check, the content count (when there is one) and the tee (when there is one).
   */
  private static void copy(
      InputStream source,
      DumpTrailer trailer,
      DumpContent content,
      OutputStream plainTee,
      OutputStream plain)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    int n;
    while ((n = source.read(buffer)) >= 0) {
      if (n > 0) {
        trailer.update(buffer, 0, n);
        if (content != null) {
          content.update(buffer, 0, n);
        }
        if (plainTee != null) {
          plainTee.write(buffer, 0, n);
        }
        plain.write(buffer, 0, n);
      }
    }
  }
}
