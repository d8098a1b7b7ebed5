package io.dbbackup.runner.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Collectors;

/**
 * manifest.json as JSON, with RFC 3339 times. Reading is strict: each field the runner relies on
 * must have its JSON type (no string for a number, no fraction for a count), and a format newer
 * than {@link Manifest#READ_VERSION} is refused; {@link ManifestCheck} then checks the values.
 */
public final class ManifestCodec {
  /**
   * A manifest is a few KiB, plus about 60 bytes per table when it carries the dump's counted
   * content (verification by restore); anything much larger is not one of ours.
   */
  static final int MAX_BYTES = 16 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    try {
      return JSON.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode manifest", e);
    }
  }

  /** Reads a manifest, strictly; see {@link #decode(InputStream, String)}. */
  public static Manifest decode(InputStream in) throws IOException {
    return decode(in, Manifest.FILE_NAME);
  }

  /**
   * Reads a manifest, strictly: {@code where} (the file, for people) is named in every refusal.
   *
   * @throws ManifestException when the content is not a manifest this runner can trust
   * @throws IOException when it cannot be read at all
   */
  public static Manifest decode(InputStream in, String where) throws IOException {
    return decode(in, where, Manifest.READ_VERSION);
  }

  /**
   * Reads a manifest as a runner that reads formats up to {@code readVersion} does: the runners
   * before format 2 read with 1, which is how a test shows what they make of a manifest.
   */
  static Manifest decode(InputStream in, String where, int readVersion) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new ManifestException(where, null, "larger than " + MAX_BYTES + " bytes");
    }
    JsonNode tree;
    try {
      tree = STRICT.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ManifestException(where, null, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (tree == null || !tree.isObject()) {
      throw new ManifestException(where, null, "expected a JSON object");
    }
    ManifestTypes.check(tree, where, readVersion);
    try {
      return STRICT.treeToValue(tree, Manifest.class);
    } catch (JsonMappingException e) {
      throw new ManifestException(where, path(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ManifestException(where, null, e.getOriginalMessage());
    }
  }

  /** The shared mapper, for other small JSON documents the runner writes. */
  public static ObjectMapper mapper() {
    return JSON;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining())
        .replaceFirst("^\\.", "");
  }
}
