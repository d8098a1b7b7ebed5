package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The chunks shared by the incremental backups of one resource: {@code
 * <base>/<namespace>/<name>/chunks/<2 hex>/<64 hex>.<ext>}, where the 64 hex are HMAC-SHA256 of the
 * chunk's plain bytes under the resource's chunk key and {@code <ext>} is the stored form ({@code
 * zst}, {@code gz}, {@code raw}, each optionally followed by {@code .gpg}). A chunk is written once
 * and never changed: a write of a name that exists keeps the stored one.
 *
 * <p>Names are relative to the resource's folder ({@code chunks/ab/ab…}), exactly as an index lists
 * them, so a stock-tool restore run in a backup's folder reads {@code ../<file>}.
 */
public interface ChunkStore {
  /** The folder, relative to the resource's folder, that holds every chunk. */
  String FOLDER = "chunks";

  /** {@code chunks/<2 hex>/<64 hex>.<ext>[.gpg]}, the two hex being the first two of the name. */
  Pattern FILE = Pattern.compile("chunks/([0-9a-f]{2})/\\1[0-9a-f]{62}\\.(zst|gz|raw)(\\.gpg)?");

  /** One stored chunk, as a listing shows it. */
  record StoredChunk(String file, long bytes) {}

  /** The chunk's stored size, or empty when the store does not hold it. */
  OptionalLong size(String file) throws IOException;

  /**
   * Stores {@code len} bytes of {@code content} as {@code file}, durably and create-only: when the
   * file already exists the stored one is kept and {@code false} is returned. Nothing is visible
   * under the name until it is complete.
   */
  boolean put(String file, byte[] content, int len) throws IOException;

  /** Reads a stored chunk. */
  InputStream open(String file) throws IOException;

  /** Every stored chunk (in pages where the store lists in pages), in no particular order. */
  void list(Consumer<StoredChunk> each) throws IOException;

  /** Deletes a chunk if present. */
  void delete(String file) throws IOException;

  /**
   * Refuses anything but a chunk's name: names come from indexes read back from storage and must
   * never reach outside the chunk folder.
   */
  static String checkFile(String file) {
    if (file == null || !FILE.matcher(file).matches()) {
      throw new IllegalArgumentException(
          "refused chunk name "
              + (file == null
                  ? "null"
                  : "\""
                      + file.substring(0, Math.min(file.length(), 120))
                          .replaceAll("\\p{Cntrl}", "?")
                      + "\"")
              + ": expected chunks/<2 hex>/<64 hex>.<zst|gz|raw>[.gpg]");
    }
    return file;
  }
}
