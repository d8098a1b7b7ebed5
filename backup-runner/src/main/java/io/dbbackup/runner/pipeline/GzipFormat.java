package io.dbbackup.runner.pipeline;

/** The fixed parts of a gzip member (RFC 1952): the 10-byte header and the 8-byte trailer. */
final class GzipFormat {
  private static final int OS_UNIX = 3;

  private GzipFormat() {}

  /** No name, no modification time; XFL says "best" for level 9 and "fastest" for level 1. */
  static byte[] header(int level) {
    byte xfl = (byte) (level == 9 ? 2 : level == 1 ? 4 : 0);
    return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, xfl, OS_UNIX};
  }

  /** CRC-32 of the plain data, then its length modulo 2^32, both little-endian. */
  static byte[] trailer(long crc32, long size) {
    byte[] t = new byte[8];
    for (int i = 0; i < 4; i++) {
      t[i] = (byte) (crc32 >>> (8 * i));
      t[4 + i] = (byte) (size >>> (8 * i));
    }
    return t;
  }
}
