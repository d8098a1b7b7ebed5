package io.dbbackup.runner.pipeline;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** One stage of the data path: wraps the stream below it with compression, and back. */
public interface Compressor {
  CompressionAlgorithm algorithm();

  /** The level used, or null when the algorithm has none. */
  Integer level();

  /** Returns a stream that compresses into {@code sink}; closing it finishes the format. */
  OutputStream compress(OutputStream sink) throws IOException;

  /** Returns a stream of the plain bytes of {@code source}. */
  InputStream decompress(InputStream source) throws IOException;

  /** The compressor a stored backup was written with, from its manifest. */
  static Compressor of(io.dbbackup.runner.store.Manifest.Compression compression) {
    return of(
        CompressionAlgorithm.valueOf(compression.algorithm().toUpperCase(java.util.Locale.ROOT)),
        compression.level());
  }

  /** The compressor for a resource's settings; gzip and zstd use every processor. */
  static Compressor of(CompressionAlgorithm algorithm, Integer level) {
    int effective = level == null ? algorithm.defaultLevel() : level;
    return switch (algorithm) {
      case GZIP -> new ParallelGzipCompressor(effective);
      case ZSTD -> new ZstdCompressor(effective);
      case NONE -> new NoCompressor();
    };
  }
}
