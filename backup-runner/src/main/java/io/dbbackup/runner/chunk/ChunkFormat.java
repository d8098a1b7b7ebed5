package io.dbbackup.runner.chunk;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.pipeline.CompressAndEncrypt;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How one chunk is stored: a standalone gzip member or zstd frame (or the raw bytes), then, when
 * encrypted, a standalone OpenPGP message; named {@code chunks/<2 hex>/<64
 * hex>.<zst|gz|raw>[.gpg]}. Each chunk is compressed on the calling thread (the upload pool gives
 * the parallelism).
 */
public final class ChunkFormat {
  private final Compressor compressor;
  private final Encryptor encryptor;
  private final Decryptor decryptor;
  private final String ext;

  /**
   * @param level the compression level, or null for the algorithm's default
   * @param encryptor null for unencrypted chunks
   * @param decryptor what reads encrypted chunks back (null: they are not read)
   */
  public ChunkFormat(
      CompressionAlgorithm algorithm, Integer level, Encryptor encryptor, Decryptor decryptor) {
    int effective = level == null ? algorithm.defaultLevel() : level;
    this.compressor =
        switch (algorithm) {
          case ZSTD -> new ZstdCompressor(effective, 0);
          case GZIP -> new SingleGzip(effective);
          case NONE -> Compressor.of(CompressionAlgorithm.NONE, null);
        };
    this.encryptor = encryptor;
    this.decryptor = decryptor;
    this.ext =
        switch (algorithm) {
              case ZSTD -> "zst";
              case GZIP -> "gz";
              case NONE -> "raw";
            }
            + (encryptor == null ? "" : Encryptor.SUFFIX);
  }

  /** The reading side of a backup written with {@code algorithm}, encrypted or not. */
  public static ChunkFormat reader(
      CompressionAlgorithm algorithm, boolean encrypted, Decryptor decryptor) {
    ChunkFormat f = new ChunkFormat(algorithm, null, null, decryptor);
    return encrypted ? f.withEncryptedExt() : f;
  }

  private ChunkFormat(ChunkFormat plain, String ext) {
    this.compressor = plain.compressor;
    this.encryptor = plain.encryptor;
    this.decryptor = plain.decryptor;
    this.ext = ext;
  }

  private ChunkFormat withEncryptedExt() {
    return new ChunkFormat(this, ext + Encryptor.SUFFIX);
  }

  /** {@code zst}, {@code gz.gpg}, ... */
  public String ext() {
    return ext;
  }

  public boolean canDecrypt() {
    return decryptor != null;
  }

  public boolean encrypted() {
    return ext.endsWith(Encryptor.SUFFIX);
  }

  /** The stored file of the chunk named {@code name} (64 hex). */
  public String file(String name) {
    return "chunks/" + name.substring(0, 2) + "/" + name + "." + ext;
  }

  /** The stored form of {@code len} bytes of {@code plain}. */
  public byte[] seal(byte[] plain, int len) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 2 + 4096);
    try (OutputStream s = CompressAndEncrypt.open(out, compressor, encryptor)) {
      s.write(plain, 0, len);
    }
    return out.toByteArray();
  }

  /** The plain bytes of a stored chunk (decrypted with the integrity check, decompressed). */
  public InputStream open(InputStream stored) throws IOException {
    if (encrypted() && decryptor == null) {
      throw new IOException("the chunks are encrypted and no decryption key is configured");
    }
    return CompressAndEncrypt.read(stored, encrypted() ? decryptor : null, compressor);
  }

  /** gzip on the calling thread: one member per chunk, as gunzip reads concatenated. */
  private record SingleGzip(int gzipLevel) implements Compressor {
    @Override
    public CompressionAlgorithm algorithm() {
      return CompressionAlgorithm.GZIP;
    }

    @Override
    public Integer level() {
      return gzipLevel;
    }

    @Override
    public OutputStream compress(OutputStream sink) throws IOException {
      return new GZIPOutputStream(sink, 64 * 1024) {
        {
          def.setLevel(gzipLevel);
          def.setStrategy(Deflater.DEFAULT_STRATEGY);
        }
      };
    }

    @Override
    public InputStream decompress(InputStream source) throws IOException {
      return new GZIPInputStream(source, 64 * 1024);
    }
  }
}
