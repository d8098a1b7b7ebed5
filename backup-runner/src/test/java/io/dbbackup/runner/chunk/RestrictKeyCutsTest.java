package io.dbbackup.runner.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestrictKeyCutsTest {
  /** A dump-like script: three "databases", each between its own random restrict key lines. */
  private static String script(long keySeed) {
    Random keys = new Random(keySeed);
    Random data = new Random(42);
    StringBuilder s = new StringBuilder("--\n-- PostgreSQL database cluster dump\n--\n");
    for (int db = 0; db < 3; db++) {
      String key = Long.toHexString(keys.nextLong()) + Long.toHexString(keys.nextLong());
      s.append("\\restrict ").append(key).append('\n');
      s.append("COPY public.t (id, v) FROM stdin;\n");
      for (int row = 0; row < 60_000; row++) {
        s.append(row).append('\t').append(Long.toHexString(data.nextLong())).append('\n');
      }
      s.append("\\.\n\n\\unrestrict ").append(key).append('\n');
    }
    return s.append("--\n-- PostgreSQL database cluster dump complete\n--\n").toString();
  }

  private static List<String> chunks(String text, int piece) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    FastCdcOutputStream cdc =
        new FastCdcOutputStream(
            4096, 16384, 65536, (b, len) -> out.add(new String(b, 0, len, StandardCharsets.UTF_8)));
    try (RestrictKeyCuts cuts = new RestrictKeyCuts(cdc)) {
      for (int off = 0; off < bytes.length; off += piece) {
        cuts.write(bytes, off, Math.min(piece, bytes.length - off));
      }
    }
    return out;
  }

  @Test
  void eachKeyLineIsAChunkOfItsOwnAndNothingIsLostWhateverTheWriteSizes() throws IOException {
    String script = script(1);
    for (int piece : new int[] {1, 5, 11, 8192}) {
      List<String> chunks = chunks(script, piece);
      assertThat(String.join("", chunks)).as("joined, pieces of %d", piece).isEqualTo(script);
      assertThat(chunks.stream().filter(c -> c.contains("restrict ")))
          .as("key chunks, pieces of %d", piece)
          .hasSize(6)
          .allMatch(c -> c.matches("\\\\(un)?restrict [0-9a-f]+\n"));
      assertThat(chunks).as("same chunks, pieces of %d", piece).isEqualTo(chunks(script, 4096));
    }
  }

  @Test
  void newKeysChangeOnlyTheKeyLines() throws IOException {
    List<String> first = chunks(script(1), 4096);
    List<String> second = chunks(script(2), 4096);
    Set<String> known = new HashSet<>(first);
    List<String> fresh = second.stream().filter(c -> !known.contains(c)).toList();
    assertThat(fresh).hasSize(6).allMatch(c -> c.length() < 50);
  }

  @Test
  void linesThatOnlyStartLikeAKeyLinePassThroughWhole() throws IOException {
    String text =
        "\\r\n\\restric\n\\\\restrict x\nx\\restrict y\n\\unrestrictx\n\\.\n\\restrict k\n\\unres";
    List<String> chunks = chunks(text, 1);
    assertThat(String.join("", chunks)).isEqualTo(text);
    assertThat(chunks)
        .containsExactly(
            "\\r\n\\restric\n\\\\restrict x\nx\\restrict y\n\\unrestrictx\n\\.\n",
            "\\restrict k\n",
            "\\unres");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (RestrictKeyCuts cuts =
        new RestrictKeyCuts(new FastCdcOutputStream((b, len) -> sink.write(b, 0, len)))) {
      cuts.write('\\');
    }
    assertThat(sink.toString(StandardCharsets.US_ASCII)).as("held byte at close").isEqualTo("\\");
  }
}
