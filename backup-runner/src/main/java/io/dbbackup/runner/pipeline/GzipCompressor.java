package io.dbbackup.runner.pipeline;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A standard gzip stream (RFC 1952) at a chosen level; `gunzip` reads it. */
public final class GzipCompressor implements Compressor {
  static final int BUFFER = 256 * 1024;
  private final int level;

  public GzipCompressor(int level) {
    this.level = level;
  }

  @Override
  public CompressionAlgorithm algorithm() {
    return CompressionAlgorithm.GZIP;
  }

  @Override
  public Integer level() {
    return level;
  }

  @Override
  public OutputStream compress(OutputStream sink) throws IOException {
    return new GZIPOutputStream(sink, BUFFER) {
      {
        def.setLevel(level);
      }
    };
  }

  @Override
  public InputStream decompress(InputStream source) throws IOException {
    return new GZIPInputStream(source, BUFFER);
  }
}
