package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.support.StockTools;
import io.dbbackup.runner.support.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GNU gzip as the oracle: what we write is what `gunzip` reads, and about as small. */
class ParallelGzipGunzipIT {
  static final int BLOCK = 1024 * 1024;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, BLOCK, 5 * BLOCK + 4321, 40_000_000})
  void gunzipRestoresTheInputByteForByte(int size) throws Exception {
    for (byte[] input : List.of(TestData.random(size, size), TestData.text(size, size + 1))) {
      Path plain = write("plain", input);
      for (DeflateEngine engine : ParallelGzipCompressorTest.ENGINES) {
        Path gz = compress(new ParallelGzipCompressor(6, 2, 0, engine), input, "dump.sql.gz");

        assertThat(StockTools.run(List.of("gzip", "-t", gz.toString()), null, null).ok()).isTrue();
        Path restored = dir.resolve("restored");
        StockTools.Result gunzip = StockTools.run(List.of("gunzip", "-c"), gz, restored);
        assertThat(gunzip.exitCode()).as(gunzip.stderr()).isZero();
        assertThat(gunzip.stderr()).isEmpty(); // no "trailing garbage" or "decompression OK" notes
        assertThat(Files.mismatch(plain, restored))
            .as("%d bytes with %s", size, engine.name())
            .isEqualTo(-1L);
        // One member: gzip -l reads the size from the only trailer there is.
        if (size > 0) {
          StockTools.Run list = StockTools.run(dir, Map.of(), "gzip", "-l", gz.toString());
          assertThat(list.output()).contains(" " + size + " ");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "libdeflate"})
  void textCompressesAsWellAsGzipAtTheSameLevel(String engine) throws Exception {
    byte[] input = TestData.text(16_000_000, 42);
    Path plain = write("plain", input);
    for (int level : new int[] {1, 6, 9}) {
      Path ours =
          compress(
              new ParallelGzipCompressor(level, 2, 0, Engines.named(engine)), input, "ours.gz");
      Path theirs = dir.resolve("theirs.gz");
      assertThat(StockTools.run(List.of("gzip", "-" + level, "-c"), plain, theirs).ok()).isTrue();
      double ratio = (double) Files.size(ours) / Files.size(theirs);
      assertThat(ratio)
          .as("level %d: ours %d, gzip %d bytes", level, Files.size(ours), Files.size(theirs))
          .isBetween(0.80, 1.02);
    }
  }

  private Path compress(Compressor compressor, byte[] input, String name) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = compressor.compress(Files.newOutputStream(file))) {
      for (int off = 0; off < input.length; off += 100_000) {
        out.write(input, off, Math.min(100_000, input.length - off));
      }
    }
    return file;
  }

  private Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }
}
