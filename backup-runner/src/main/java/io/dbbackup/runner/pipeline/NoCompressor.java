package io.dbbackup.runner.pipeline;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Plain SQL: the stored file is the dump itself. */
public final class NoCompressor implements Compressor {
  @Override
  public CompressionAlgorithm algorithm() {
    return CompressionAlgorithm.NONE;
  }

  @Override
  public Integer level() {
    return null;
  }

  @Override
  public OutputStream compress(OutputStream sink) {
    return new FilterOutputStream(sink) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }
    };
  }

  @Override
  public InputStream decompress(InputStream source) {
    return source;
  }
}
