package io.dbbackup.runner.chunk;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.io.BlockInputStream;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;

/**
 * The plain dump of an incremental backup: its chunks in index order, each read from the store,
 * decrypted (integrity checked) and decompressed on its own. At the end of each chunk its stored
 * SHA-256, its plain size and its HMAC (its name) are checked; a chunk that fails any of them fails
 * the read with a {@link BadChunkException} naming it. Memory: one chunk's streams.
 */
public final class ChunkStream extends BlockInputStream {
  /** A chunk that is not what its index entry and its name say. */
  public static final class BadChunkException extends IOException {
    public BadChunkException(String message) {
      super(message);
    }

    public BadChunkException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ChunkStore store;
  private final List<ChunkIndex.Entry> chunks;
  private final ChunkFormat format;
  private final ChunkKey key;
  private final BooleanSupplier stop;
  private int next;
  private ChunkIndex.Entry current;
  private DigestInputStream raw;
  private InputStream plain;
  private Mac mac;
  private long plainRead;

  public ChunkStream(
      ChunkStore store, ChunkIndex index, ChunkFormat format, ChunkKey key, BooleanSupplier stop) {
    this.store = store;
    this.chunks = index.chunks();
    this.format = format;
    this.key = key;
    this.stop = stop;
  }

  @Override
  protected int readBlock(byte[] b, int off, int len) throws IOException {
    while (true) {
      if (plain == null) {
        if (next >= chunks.size()) {
          return -1;
        }
        if (stop.getAsBoolean()) {
          throw new IOException("stopped");
        }
        openNext();
      }
      int n;
      try {
        n = plain.read(b, off, len);
      } catch (BadChunkException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new BadChunkException(
            "chunk " + current.file() + " cannot be read: " + e.getMessage(), e);
      }
      if (n > 0) {
        mac.update(b, off, n);
        plainRead += n;
        return n;
      }
      if (n < 0) {
        finishCurrent();
      }
    }
  }

  private void openNext() throws IOException {
    current = chunks.get(next++);
    MessageDigest md = Sha256.newDigest();
    InputStream in;
    try {
      in = store.open(current.file());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadChunkException("chunk " + current.file() + " is missing", e);
    }
    raw = new DigestInputStream(in, md);
    try {
      plain = format.open(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw new BadChunkException(
          "chunk " + current.file() + " cannot be read: " + e.getMessage(), e);
    }
    mac = key.mac();
    plainRead = 0;
  }

  private void finishCurrent() throws IOException {
    raw.transferTo(java.io.OutputStream.nullOutputStream());
    plain.close();
    plain = null;
    String sha = Sha256.hex(raw.getMessageDigest());
    if (!sha.equals(current.sha256())) {
      throw new BadChunkException(
          "chunk "
              + current.file()
              + " is corrupted: SHA-256 "
              + sha
              + ", expected "
              + current.sha256());
    }
    if (plainRead != current.plainBytes()) {
      throw new BadChunkException(
          "chunk "
              + current.file()
              + " holds "
              + plainRead
              + " plain bytes, expected "
              + current.plainBytes());
    }
    String name = Sha256.hex(mac);
    if (!current.file().contains("/" + name + ".")) {
      throw new BadChunkException(
          "chunk " + current.file() + " does not hold the bytes its name says (HMAC " + name + ")");
    }
  }

  @Override
  public void close() throws IOException {
    if (plain != null) {
      plain.close();
      plain = null;
    }
  }
}
