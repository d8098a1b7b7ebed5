package io.dbbackup.runner.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code <id>/index.json} of an incremental backup: the chunks of its dump in order, each with its
 * stored file (relative to the resource's folder, as {@link ChunkStore} names it), its plain and
 * stored sizes and the SHA-256 of the stored file. Written before the manifest. A stock-tool
 * restore reads it with {@code jq -r '.chunks[].file' index.json}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChunkIndex(int formatVersion, String id, List<Entry> chunks) {
  public static final String FILE_NAME = "index.json";
  public static final int FORMAT_VERSION = 1;

  /** Far above any real index (about 200 bytes per MiB of dump: 1 TiB is about 200 MiB). */
  static final int MAX_BYTES = 512 << 20;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** One chunk, in dump order. */
  public record Entry(String file, long plainBytes, long storedBytes, String sha256) {}

  public ChunkIndex {
    chunks = List.copyOf(chunks);
  }

  public long plainBytes() {
    return chunks.stream().mapToLong(Entry::plainBytes).sum();
  }

  public long storedBytes() {
    return chunks.stream().mapToLong(Entry::storedBytes).sum();
  }

  public byte[] encode() {
    try {
      return ManifestCodec.mapper().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the chunk index", e);
    }
  }

  /**
   * Reads an index strictly; {@code where} names it in every refusal. Every chunk name must be one
   * {@link ChunkStore#checkFile} accepts: names read back from storage never reach outside the
   * chunk folder.
   */
  public static ChunkIndex decode(InputStream in, String where) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new ManifestException(where, null, "larger than " + MAX_BYTES + " bytes");
    }
    ChunkIndex index;
    try {
      index = STRICT.readValue(bytes, ChunkIndex.class);
    } catch (IOException e) {
      throw new ManifestException(where, null, "not a chunk index (" + e.getMessage() + ")");
    }
    if (index == null || index.chunks() == null) {
      throw new ManifestException(where, "chunks", "missing");
    }
    if (index.formatVersion() != FORMAT_VERSION) {
      throw new ManifestException(
          where, "formatVersion", "expected " + FORMAT_VERSION + ", got " + index.formatVersion());
    }
    for (int i = 0; i < index.chunks().size(); i++) {
      Entry e = index.chunks().get(i);
      String at = "chunks[" + i + "]";
      if (e == null) {
        throw new ManifestException(where, at, "missing");
      }
      try {
        ChunkStore.checkFile(e.file());
      } catch (IllegalArgumentException bad) {
        throw new ManifestException(where, at + ".file", bad.getMessage());
      }
      if (e.plainBytes() <= 0 || e.storedBytes() <= 0) {
        throw new ManifestException(where, at, "plainBytes and storedBytes must be positive");
      }
      if (e.sha256() == null || !SHA256.matcher(e.sha256()).matches()) {
        throw new ManifestException(where, at + ".sha256", "expected 64 lower-case hex digits");
      }
    }
    return index;
  }
}
