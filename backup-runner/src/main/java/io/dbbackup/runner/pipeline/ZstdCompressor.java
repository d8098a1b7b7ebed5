package io.dbbackup.runner.pipeline;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A standard zstd frame (RFC 8878) with a content checksum, as `zstd` writes it, compressed by
 * libzstd's own worker threads (zstd-jni). The native library is unpacked into {@code
 * java.io.tmpdir} on first use, so that directory must be writable.
 */
public final class ZstdCompressor implements Compressor {
  private static final int READ_BUFFER = 256 * 1024;

  private final int level;
  private final int workers;

  /** Level 1-19 with one worker per processor. */
  public ZstdCompressor(int level) {
    this(level, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param level 1 (fastest) to 19 (smallest); 3 is zstd's default
   * @param workers libzstd worker threads; 0 compresses on the writing thread
   */
  public ZstdCompressor(int level, int workers) {
    CompressionAlgorithm zstd = CompressionAlgorithm.ZSTD;
    if (level < zstd.minLevel() || level > zstd.maxLevel()) {
      throw new IllegalArgumentException("zstd level must be 1-19, got " + level);
    }
    if (workers < 0) {
      throw new IllegalArgumentException("workers must not be negative, got " + workers);
    }
    this.level = level;
    this.workers = workers;
  }

  @Override
  public CompressionAlgorithm algorithm() {
    return CompressionAlgorithm.ZSTD;
  }

  @Override
  public Integer level() {
    return level;
  }

  public int workers() {
    return workers;
  }

  @Override
  public OutputStream compress(OutputStream sink) throws IOException {
    ZstdOutputStreamNoFinalizer out;
    try {
      out = new ZstdOutputStreamNoFinalizer(sink);
    } catch (LinkageError e) {
      throw nativeUnavailable(e);
    }
    try {
      out.setLevel(level);
      out.setChecksum(true);
      out.setWorkers(workers);
      return out;
    } catch (IOException | RuntimeException e) {
      out.closeWithoutClosingParentStream();
      throw e;
    }
  }

  @Override
  public InputStream decompress(InputStream source) throws IOException {
    try {
      return new BufferedInputStream(new ZstdInputStreamNoFinalizer(source), READ_BUFFER);
    } catch (LinkageError e) {
      throw nativeUnavailable(e);
    }
  }

  private static IOException nativeUnavailable(LinkageError e) {
    return new IOException(
        "the zstd native library cannot be loaded (it is unpacked into java.io.tmpdir, which must"
            + " be writable): "
            + e,
        e);
  }
}
