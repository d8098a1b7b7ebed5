package io.dbbackup.runner.chunk;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;

/**
 * Checks the chunks an index names: each exists with its recorded size ({@link #present}); read
 * back, its SHA-256 matches ({@link #verify}); and, when it can be read (unencrypted, or a key to
 * decrypt with) and the chunk key is known, it decrypts (integrity checked), decompresses to its
 * recorded plain size, and its HMAC is its name. The first problem is returned naming the chunk.
 */
public final class ChunkVerifier {
  private final ChunkStore store;

  public ChunkVerifier(ChunkStore store) {
    this.store = store;
  }

  /** What a verify found: null problem when every chunk is sound; {@code full} when decrypted. */
  public record Result(String problem, boolean full, int chunks) {}

  /** The first chunk missing or of another size than recorded, or null when all are there. */
  public String present(ChunkIndex index) throws IOException {
    Set<String> seen = new HashSet<>();
    for (ChunkIndex.Entry e : index.chunks()) {
      if (!seen.add(e.file())) {
        continue;
      }
      OptionalLong size = store.size(e.file());
      if (size.isEmpty()) {
        return "chunk " + e.file() + " is missing";
      }
      if (size.getAsLong() != e.storedBytes()) {
        return "chunk "
            + e.file()
            + " has "
            + size.getAsLong()
            + " bytes, expected "
            + e.storedBytes();
      }
    }
    return null;
  }

  /**
   * Every distinct chunk read back; {@code format}'s decryptor and {@code key} (either may be
   * missing) decide whether the plain bytes are checked too.
   */
  public Result verify(ChunkIndex index, ChunkFormat format, ChunkKey key, BooleanSupplier stop)
      throws IOException {
    String missing = present(index);
    if (missing != null) {
      return new Result(missing, false, index.chunks().size());
    }
    boolean full = key != null && (!format.encrypted() || format.canDecrypt());
    Set<String> seen = new HashSet<>();
    byte[] buf = new byte[64 * 1024];
    for (ChunkIndex.Entry e : index.chunks()) {
      if (!seen.add(e.file())) {
        continue;
      }
      if (stop.getAsBoolean()) {
        throw new IOException("stopped");
      }
      MessageDigest md = Sha256.newDigest();
      try (InputStream in = store.open(e.file())) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          md.update(buf, 0, n);
        }
      }
      String sha = Sha256.hex(md);
      if (!sha.equals(e.sha256())) {
        return new Result(
            "chunk " + e.file() + " is corrupted: SHA-256 " + sha + ", expected " + e.sha256(),
            false,
            index.chunks().size());
      }
      if (full) {
        String problem = checkPlain(e, format, key, buf);
        if (problem != null) {
          return new Result(problem, true, index.chunks().size());
        }
      }
    }
    return new Result(null, full, index.chunks().size());
  }

  private String checkPlain(ChunkIndex.Entry e, ChunkFormat format, ChunkKey key, byte[] buf) {
    Mac mac = key.mac();
    long plain = 0;
    try (InputStream in = format.open(store.open(e.file()))) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        mac.update(buf, 0, n);
        plain += n;
      }
    } catch (IOException | RuntimeException ex) {
      return "chunk " + e.file() + " cannot be read: " + ex.getMessage();
    }
    if (plain != e.plainBytes()) {
      return "chunk " + e.file() + " holds " + plain + " plain bytes, expected " + e.plainBytes();
    }
    String name = Sha256.hex(mac);
    if (!e.file().contains("/" + name + ".")) {
      return "chunk " + e.file() + " does not hold the bytes its name says (HMAC " + name + ")";
    }
    return null;
  }
}
