package io.dbbackup.runner.pipeline;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins complete raw deflate streams (RFC 1951) into one, the way zlib's {@code gzjoin} does: in
 * every piece but the last, the final-block bit of its last block is cleared and an empty stored
 * block brings the stream to a byte boundary (exactly what zlib writes for a sync flush), so the
 * next piece's first block follows it.
 *
 * <p>Where that last block starts is only known by walking the stream: block headers, Huffman
 * tables and every symbol, without producing any output (about a tenth of the time it took to
 * compress; {@link DeflateWalk}). The walk also checks the piece: it must end in its last byte with
 * zero padding, or the piece is refused ({@link DataFormatException}) and nothing is joined.
 */
final class RawDeflate {
  /** Bit offsets in a raw deflate stream: its final block's header, and the end of that block. */
  record Ends(long finalBlockBit, long endBit) {}

  private static final Logger LOG = LoggerFactory.getLogger(RawDeflate.class);
  private static final AtomicBoolean REDEFLATED = new AtomicBoolean();

  /** Bytes {@link #continuable} may add after the piece. */
  static final int MAX_SYNC_MARKER = 5;

  /** Where the final block of the raw deflate stream {@code data[0, length)} starts and ends. */
  static Ends locate(byte[] data, int length) throws DataFormatException {
    if (length < 0 || length > data.length) {
      throw new IllegalArgumentException("length " + length + " outside 0-" + data.length);
    }
    return new DeflateWalk(data, length).walk();
  }

  /**
   * Makes the complete raw deflate stream {@code data[0, length)} continuable: its final block
   * becomes an ordinary one, followed by an empty stored block ending on a byte boundary. Returns
   * the new piece (in {@code data} itself when it has room for {@link #MAX_SYNC_MARKER} more
   * bytes).
   */
  static DeflatedBlock continuable(byte[] data, int length) throws DataFormatException {
    Ends ends = locate(data, length);
    byte[] out =
        data.length - length >= MAX_SYNC_MARKER
            ? data
            : Arrays.copyOf(data, length + MAX_SYNC_MARKER);
    out[(int) (ends.finalBlockBit() >>> 3)] &= (byte) ~(1 << (ends.finalBlockBit() & 7));
    // The empty stored block: 3 header bits (not final, type 00), zero bits up to the byte
    // boundary, then LEN 0x0000 and NLEN 0xffff. The zero padding after the last block holds the
    // header when it has room for 3 bits; otherwise it takes one more zero byte.
    int padding = (int) (-ends.endBit() & 7);
    int n = length;
    if (padding < 3) {
      out[n++] = 0;
    }
    out[n++] = 0;
    out[n++] = 0;
    out[n++] = (byte) 0xff;
    out[n++] = (byte) 0xff;
    return new DeflatedBlock(out, n);
  }

  /**
   * {@link #continuable} for a piece that another deflater made from {@code input}; should the
   * piece be refused (not expected: it would be a bug, in that deflater or in the walk), the block
   * is deflated again with zlib, which writes a continuable piece itself, and the first such event
   * is logged. Either way the stream stays one valid deflate stream.
   */
  static DeflatedBlock continuableOrRedeflate(
      byte[] piece, int pieceLength, byte[] input, int inputLength, int level) {
    try {
      return continuable(piece, pieceLength);
    } catch (DataFormatException e) {
      if (REDEFLATED.compareAndSet(false, true)) {
        LOG.atWarn()
            .addKeyValue("event", "gzip_block_redeflated")
            .log(
                "a deflated block could not be joined ({}); deflating it with zlib",
                e.getMessage());
      }
      return DeflatedBlock.deflate(level, input, inputLength, null, 0, false);
    }
  }
}
