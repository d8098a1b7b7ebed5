package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DumpTrailerTest {
  static final String END =
      "\\unrestrict abc\n\n--\n-- PostgreSQL database cluster dump complete\n--\n\n";

  static boolean complete(String... chunks) {
    DumpTrailer t = new DumpTrailer();
    for (String c : chunks) {
      byte[] b = c.getBytes(StandardCharsets.UTF_8);
      t.update(b, 0, b.length);
    }
    return t.isComplete();
  }

  @Test
  void recognisesTheTrailerAcrossChunkBoundaries() {
    assertThat(complete("x".repeat(5000), END)).isTrue();
    assertThat(complete("CREATE TABLE t();\n" + END.substring(0, 20), END.substring(20))).isTrue();
    String all = "y".repeat(3000) + END;
    String[] bytes = all.split("");
    assertThat(complete(bytes)).isTrue();
  }

  @Test
  void rejectsADumpThatStopsBeforeTheTrailerOrContinuesAfterIt() {
    assertThat(complete("x".repeat(5000))).isFalse();
    assertThat(complete("x", END, "COPY t FROM stdin;\n")).isFalse();
    assertThat(complete("")).isFalse();
    assertThat(complete("-- PostgreSQL database dump complete\n")).isFalse();
  }
}
