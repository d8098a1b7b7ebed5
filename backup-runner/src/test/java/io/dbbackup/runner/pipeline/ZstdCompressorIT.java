package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.support.StockTools;
import io.dbbackup.runner.support.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The zstd command line as the oracle. */
class ZstdCompressorIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 131_072, 5_000_000, 40_000_000})
  void zstdRestoresTheInputByteForByte(int size) throws Exception {
    for (byte[] input : List.of(TestData.random(size, size), TestData.text(size, size + 1))) {
      Path plain = Files.write(dir.resolve("plain"), input);
      Path zst = compress(new ZstdCompressor(3), input, "dump.sql.zst");

      StockTools.Result test =
          StockTools.run(List.of("zstd", "-q", "-t", zst.toString()), null, null);
      assertThat(test.exitCode()).as(test.stderr()).isZero();
      Path restored = dir.resolve("restored");
      StockTools.Result d = StockTools.run(List.of("zstd", "-q", "-d", "-c"), zst, restored);
      assertThat(d.exitCode()).as(d.stderr()).isZero();
      assertThat(Files.mismatch(plain, restored)).as("%d bytes", size).isEqualTo(-1L);
    }
  }

  @Test
  void levelIsHonouredAsTheCommandLineHonoursIt() throws Exception {
    byte[] input = TestData.text(8_000_000, 9);
    Path plain = Files.write(dir.resolve("plain"), input);
    long previous = Long.MAX_VALUE;
    for (int level : new int[] {1, 3, 9, 19}) {
      long ours = Files.size(compress(new ZstdCompressor(level), input, "ours.zst"));
      Path cli = dir.resolve("cli.zst");
      assertThat(StockTools.run(List.of("zstd", "-q", "-" + level, "-c"), plain, cli).ok())
          .isTrue();
      long theirs = Files.size(cli);
      assertThat(ours).as("level %d is smaller than the level below", level).isLessThan(previous);
      assertThat((double) ours / theirs)
          .as("level %d: ours %d, zstd CLI %d bytes", level, ours, theirs)
          .isBetween(0.97, 1.03);
      previous = ours;
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
}
