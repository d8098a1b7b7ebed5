package io.dbbackup.runner.pipeline;

/**
 * The JDK's bundled zlib, pigz's way: each block primed with the 32 KiB before it, ending with a
 * sync flush. Needs no native library of the system's.
 */
final class ZlibEngine implements DeflateEngine {
  static final ZlibEngine INSTANCE = new ZlibEngine();

  /** pigz's default block size: large enough that cuts cost little, small enough to spread. */
  static final int BLOCK_SIZE = 128 * 1024;

  private ZlibEngine() {}

  @Override
  public String name() {
    return "zlib";
  }

  @Override
  public int preferredBlockSize() {
    return BLOCK_SIZE;
  }

  @Override
  public Session open(int level, int threads) {
    return new Session() {
      @Override
      public DeflatedBlock deflate(
          byte[] input, int length, byte[] dictionary, int dictionaryLength, boolean last) {
        return DeflatedBlock.deflate(level, input, length, dictionary, dictionaryLength, last);
      }

      @Override
      public void close() {}
    };
  }
}
