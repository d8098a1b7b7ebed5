package io.dbbackup.runner.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;

/** manifest.json as JSON, with RFC 3339 times. */
public final class ManifestCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    try {
      return JSON.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode manifest", e);
    }
  }

  public static Manifest decode(InputStream in) throws IOException {
    return JSON.readValue(in, Manifest.class);
  }

  /** The shared mapper, for other small JSON documents the runner writes. */
  public static ObjectMapper mapper() {
    return JSON;
  }
}
