package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.Test;

/** Choosing what deflates gzip blocks, and what happens when libdeflate cannot be had. */
class DeflateEngineTest {

  @Test
  void namedEnginesAndAClearErrorForAnythingElse() {
    assertThat(DeflateEngine.named("zlib")).isSameAs(ZlibEngine.INSTANCE);
    assertThat(DeflateEngine.named(" LibDeflate ").name()).isEqualTo("libdeflate");
    // On this machine (Java 22+, libdeflate0 installed by make test) auto means libdeflate.
    assertThat(DeflateEngine.named("auto").name()).isEqualTo("libdeflate");
    assertThat(DeflateEngine.preferred().name()).isEqualTo("libdeflate");
    assertThatThrownBy(() -> DeflateEngine.named("pigz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dbbackup.gzip.engine must be auto, libdeflate or zlib, got 'pigz'");
  }

  @Test
  void aMissingLibraryIsNamedInTheError() throws Exception {
    String previous = System.getProperty("dbbackup.libdeflate.path");
    System.setProperty("dbbackup.libdeflate.path", "/nonexistent/libdeflate.so.0");
    try {
      assertThatThrownBy(
              () ->
                  Class.forName("io.dbbackup.runner.pipeline.LibdeflateEngine")
                      .getDeclaredConstructor()
                      .newInstance())
          .isInstanceOf(InvocationTargetException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("none of /nonexistent/libdeflate.so.0 could be loaded");
    } finally {
      if (previous == null) {
        System.clearProperty("dbbackup.libdeflate.path");
      } else {
        System.setProperty("dbbackup.libdeflate.path", previous);
      }
    }
  }

  @Test
  void theZlibEngineNeedsNoNativeStateAndJoinsLikeTheOther() throws Exception {
    byte[] input = io.dbbackup.runner.support.TestData.text(300_000, 4);
    for (DeflateEngine engine : ParallelGzipCompressorTest.ENGINES) {
      try (DeflateEngine.Session session = engine.open(6, 2)) {
        DeflatedBlock first = session.deflate(input, 150_000, null, 0, false);
        byte[] second = java.util.Arrays.copyOfRange(input, 150_000, input.length);
        DeflatedBlock last = session.deflate(second, second.length, input, 150_000, true);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        joined.write(first.data(), 0, first.length());
        joined.write(last.data(), 0, last.length());
        assertThat(RawDeflateTest.inflate(joined.toByteArray())).as(engine.name()).isEqualTo(input);
      }
    }
  }
}
