package io.dbbackup.runner.pipeline;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * One block of a parallel gzip stream, deflated on its own: raw deflate, primed with the tail of
 * the block before it, ending on a byte boundary (sync flush) so that the pieces concatenate into
 * one valid deflate stream; only the last block carries the final-block bit.
 */
record DeflatedBlock(byte[] data, int length) {

  static DeflatedBlock deflate(
      int level,
      byte[] input,
      int inputLength,
      byte[] dictionary,
      int dictionaryLength,
      boolean last) {
    Deflater deflater = new Deflater(level, true);
    try {
      if (dictionary != null && dictionaryLength > 0) {
        int n = Math.min(ParallelGzipOutputStream.DICTIONARY, dictionaryLength);
        deflater.setDictionary(dictionary, dictionaryLength - n, n);
      }
      deflater.setInput(input, 0, inputLength);
      if (last) {
        deflater.finish();
      }
      byte[] out = new byte[Math.max(1024, inputLength / 2)];
      int length = 0;
      while (true) {
        if (length == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        int space = out.length - length;
        int n =
            deflater.deflate(out, length, space, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        length += n;
        // With SYNC_FLUSH everything is out once the output was not filled; with finish(), when
        // the deflater says so.
        if (last ? deflater.finished() : n < space) {
          return new DeflatedBlock(out, length);
        }
      }
    } finally {
      deflater.end();
    }
  }
}
