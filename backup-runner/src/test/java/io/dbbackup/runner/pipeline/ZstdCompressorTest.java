package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZstdCompressorTest {
  @Test
  void decompressReadsBackWhatCompressWrote() throws IOException {
    byte[] input = TestData.text(3_000_000, 1);
    byte[] zst = ParallelGzipCompressorTest.compress(new ZstdCompressor(3, 2), input, 50_000);
    assertThat(zst).startsWith(0x28, 0xb5, 0x2f, 0xfd); // the zstd frame magic
    try (InputStream in = new ZstdCompressor(3).decompress(new ByteArrayInputStream(zst))) {
      assertThat(in.readAllBytes()).isEqualTo(input);
    }
  }

  @Test
  void aTruncatedFrameFailsToDecompress() throws IOException {
    byte[] input = TestData.random(500_000, 2);
    byte[] zst = ParallelGzipCompressorTest.compress(new ZstdCompressor(3, 2), input, 50_000);
    byte[] truncated = Arrays.copyOf(zst, zst.length - 100);
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  new ZstdCompressor(3).decompress(new ByteArrayInputStream(truncated))) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class);
  }

  @Test
  void aFlippedByteFailsTheContentChecksum() throws IOException {
    byte[] input = TestData.random(500_000, 3); // random data is stored raw: the flip survives
    byte[] zst = ParallelGzipCompressorTest.compress(new ZstdCompressor(3, 0), input, 50_000);
    zst[zst.length / 2] ^= 0x01;
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  new ZstdCompressor(3).decompress(new ByteArrayInputStream(zst))) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class);
  }

  @Test
  void levelsOutsideOneToNineteenAreRefused() {
    assertThatThrownBy(() -> new ZstdCompressor(0)).hasMessage("zstd level must be 1-19, got 0");
    assertThatThrownBy(() -> new ZstdCompressor(20)).hasMessage("zstd level must be 1-19, got 20");
  }

  @Test
  void compressorOfZstdDefaultsToLevelThreeOnEveryProcessor() {
    assertThat(Compressor.of(CompressionAlgorithm.ZSTD, null))
        .isInstanceOfSatisfying(
            ZstdCompressor.class,
            z -> {
              assertThat(z.level()).isEqualTo(3);
              assertThat(z.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
            });
    assertThat(Compressor.of(CompressionAlgorithm.ZSTD, 19).level()).isEqualTo(19);
  }
}
