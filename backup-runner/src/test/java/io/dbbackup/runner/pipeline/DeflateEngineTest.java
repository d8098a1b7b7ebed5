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
    // Java 22+ with libdeflate0 (make test installs it): auto means libdeflate; else zlib.
    assertThat(DeflateEngine.named("auto").name()).isEqualTo(Engines.expectedPreferred());
    assertThat(DeflateEngine.preferred().name()).isEqualTo(Engines.expectedPreferred());
    assertThatThrownBy(() -> DeflateEngine.named("pigz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dbbackup.gzip.engine must be auto, libdeflate or zlib, got 'pigz'");
    if (Engines.libdeflateAvailable()) {
      assertThat(DeflateEngine.named(" LibDeflate ").name()).isEqualTo("libdeflate");
    } else {
      // Asked for by name where it cannot load: a clear error, never a silent zlib.
      assertThatThrownBy(() -> DeflateEngine.named("libdeflate"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("gzip engine libdeflate is not available: ");
    }
  }

  @Test
  void withoutLibdeflateABackupCompressesWithZlib() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Engines.libdeflateAvailable(), "libdeflate loads here; the fallback is not in use");
    ParallelGzipCompressor gzip = new ParallelGzipCompressor(6);
    assertThat(gzip.engine()).isEqualTo("zlib");
    byte[] input = io.dbbackup.runner.support.TestData.text(500_000, 3);
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = gzip.compress(gz)) {
      out.write(input);
    }
    assertThat(
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.toByteArray()))
                .readAllBytes())
        .isEqualTo(input);
  }

  @Test
  void aMissingLibraryIsNamedInTheError() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.version().feature() >= 22,
        "the libdeflate engine is Java 22+ code; this is Java " + Runtime.version().feature());
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
