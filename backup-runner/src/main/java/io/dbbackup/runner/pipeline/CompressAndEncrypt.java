package io.dbbackup.runner.pipeline;

import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.io.EndCheckedStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Composes the stages of the data path as wal-g does: plain bytes → compression → encryption
 * (optional) → the sink, and back. Closing finishes the innermost stage first (compression writes
 * its tail into the encryption, which then writes its integrity check) and closes every stage even
 * when one fails; the first error is thrown, later ones are suppressed on it.
 */
public final class CompressAndEncrypt {
  private static final int DRAIN_BUFFER = 64 * 1024;

  private CompressAndEncrypt() {}

  /** The stored file's name: {@code dump.sql} + {@code .gz}/{@code .zst}/nothing + {@code .gpg}. */
  public static String fileName(Compressor compressor, Encryptor encryptor) {
    return "dump.sql"
        + compressor.algorithm().suffix()
        + (encryptor == null ? "" : Encryptor.SUFFIX);
  }

  /**
   * A stream that compresses, then encrypts when {@code encryptor} is not null, into {@code sink};
   * closing it finishes both formats and closes {@code sink}.
   */
  public static OutputStream open(OutputStream sink, Compressor compressor, Encryptor encryptor)
      throws IOException {
    OutputStream encrypted = encryptor == null ? sink : encryptor.encrypt(sink);
    OutputStream compressed;
    try {
      compressed = compressor.compress(encrypted);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(encrypted, e);
      throw e;
    }
    return new Chain(compressed, encrypted);
  }

  /**
   * The plain bytes of a stored file: decrypted when {@code decryptor} is not null, then
   * decompressed. At the end of the compressed data the decrypted stream is read to its end, so
   * that the integrity check runs even where the decompressor stops early; bytes found there fail
   * the read.
   */
  public static InputStream read(InputStream source, Decryptor decryptor, Compressor compressor)
      throws IOException {
    InputStream decrypted = decryptor == null ? source : decryptor.decrypt(source);
    try {
      return new ReadToEnd(compressor.decompress(decrypted), decrypted);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(decrypted, e);
      throw e;
    }
  }

  private static void closeAfterFailure(OutputStream stream, Throwable failure) {
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static void closeAfterFailure(InputStream stream, Throwable failure) {
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Writes into the compressor; closes it, then the encryption below it. */
  private static final class Chain extends FilterOutputStream {
    private final OutputStream below;
    private boolean closed;

    Chain(OutputStream compressed, OutputStream below) {
      super(compressed);
      this.below = below;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      Throwable first = null;
      for (OutputStream stage : new OutputStream[] {out, below}) {
        try {
          stage.close(); // a stage closed by the one above it ignores the second close
        } catch (IOException | RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first instanceof IOException io) {
        throw io;
      }
      if (first instanceof RuntimeException re) {
        throw re;
      }
    }
  }

  /** The decompressed bytes; at their end, the stream below must end too. */
  private static final class ReadToEnd extends EndCheckedStream {
    private final InputStream below;

    ReadToEnd(InputStream decompressed, InputStream below) {
      super(decompressed, below);
      this.below = below;
    }

    @Override
    protected void checkEnd() throws IOException {
      long extra = 0;
      byte[] buffer = new byte[DRAIN_BUFFER];
      int m;
      while ((m = below.read(buffer)) >= 0) {
        extra += m;
      }
      if (extra > 0) {
        throw new IOException(
            extra + " bytes follow the end of the compressed data; the file is not one we wrote");
      }
    }
  }
}
