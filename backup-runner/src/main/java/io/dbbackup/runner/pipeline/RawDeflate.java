package io.dbbackup.runner.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * compress). The walk also checks the piece: it must end in its last byte with zero padding, or the
 * piece is refused ({@link DataFormatException}) and nothing is joined.
 */
final class RawDeflate {
  /** Bit offsets in a raw deflate stream: its final block's header, and the end of that block. */
  record Ends(long finalBlockBit, long endBit) {}

  private static final Logger LOG = LoggerFactory.getLogger(RawDeflate.class);
  private static final AtomicBoolean REDEFLATED = new AtomicBoolean();

  /** Bytes {@link #continuable} may add after the piece. */
  static final int MAX_SYNC_MARKER = 5;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DISTANCE_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };
  private static final int[] CODE_LENGTH_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };
  private static final Huffman FIXED_LITERALS;
  private static final Huffman FIXED_DISTANCES;

  static {
    int[] lengths = new int[288];
    Arrays.fill(lengths, 0, 144, 8);
    Arrays.fill(lengths, 144, 256, 9);
    Arrays.fill(lengths, 256, 280, 7);
    Arrays.fill(lengths, 280, 288, 8);
    int[] distances = new int[30];
    Arrays.fill(distances, 5);
    try {
      FIXED_LITERALS = Huffman.of(lengths, 0, 288, Alphabet.LITERALS);
      FIXED_DISTANCES = Huffman.of(distances, 0, 30, Alphabet.DISTANCES);
    } catch (DataFormatException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final byte[] data;
  private final int length;
  private long bits;
  private int bitCount;
  private int next;

  private RawDeflate(byte[] data, int length) {
    this.data = data;
    this.length = length;
  }

  /** Where the final block of the raw deflate stream {@code data[0, length)} starts and ends. */
  static Ends locate(byte[] data, int length) throws DataFormatException {
    if (length < 0 || length > data.length) {
      throw new IllegalArgumentException("length " + length + " outside 0-" + data.length);
    }
    return new RawDeflate(data, length).walk();
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

  private Ends walk() throws DataFormatException {
    while (true) {
      long header = position();
      refill();
      boolean last = take(1) == 1;
      int type = take(2);
      switch (type) {
        case 0 -> skipStored();
        case 1 -> skipCompressed(FIXED_LITERALS, FIXED_DISTANCES);
        case 2 -> skipDynamic();
        default -> throw new DataFormatException("invalid deflate block type 3");
      }
      if (last) {
        return finish(header);
      }
      if (position() > 8L * length) {
        throw new DataFormatException("deflate stream ends without a final block");
      }
    }
  }

  private Ends finish(long header) throws DataFormatException {
    long end = position();
    long available = 8L * length;
    if (end > available) {
      throw new DataFormatException("deflate stream is truncated");
    }
    if ((end + 7) >>> 3 != length) {
      throw new DataFormatException(
          "deflate stream ends at byte " + ((end + 7) >>> 3) + " of " + length);
    }
    int padding = (int) (available - end);
    if (padding > 0 && (data[length - 1] & 0xff) >>> (8 - padding) != 0) {
      throw new DataFormatException("deflate stream's padding bits are not zero");
    }
    return new Ends(header, end);
  }

  private void skipStored() throws DataFormatException {
    take(bitCount & 7); // to the byte boundary
    refill();
    int len = take(16);
    int nlen = take(16);
    if ((len ^ 0xffff) != nlen) {
      throw new DataFormatException("stored block length check failed");
    }
    long resume = position() / 8 + len;
    if (resume > length) {
      throw new DataFormatException("stored block is truncated");
    }
    next = (int) resume;
    bits = 0;
    bitCount = 0;
  }

  private void skipDynamic() throws DataFormatException {
    refill();
    int literalCodes = take(5) + 257;
    int distanceCodes = take(5) + 1;
    int codeLengthCodes = take(4) + 4;
    if (literalCodes > 286 || distanceCodes > 30) {
      throw new DataFormatException("too many length or distance codes");
    }
    int[] codeLengths = new int[19];
    for (int i = 0; i < codeLengthCodes; i++) {
      refill(); // 19 lengths of 3 bits would not fit one refill
      codeLengths[CODE_LENGTH_ORDER[i]] = take(3);
    }
    Huffman codeLengthCode = Huffman.of(codeLengths, 0, 19, Alphabet.CODE_LENGTHS);
    int total = literalCodes + distanceCodes;
    int[] lengths = new int[total];
    int i = 0;
    while (i < total) {
      refill();
      int symbol = decode(codeLengthCode);
      int repeat;
      int value = 0;
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      } else if (symbol == 16) {
        if (i == 0) {
          throw new DataFormatException("repeat with no previous code length");
        }
        value = lengths[i - 1];
        repeat = 3 + take(2);
      } else if (symbol == 17) {
        repeat = 3 + take(3);
      } else {
        repeat = 11 + take(7);
      }
      if (i + repeat > total) {
        throw new DataFormatException("too many code lengths");
      }
      Arrays.fill(lengths, i, i + repeat, value);
      i += repeat;
    }
    if (lengths[256] == 0) {
      throw new DataFormatException("no end-of-block code");
    }
    skipCompressed(
        Huffman.of(lengths, 0, literalCodes, Alphabet.LITERALS),
        Huffman.of(lengths, literalCodes, distanceCodes, Alphabet.DISTANCES));
  }

  private void skipCompressed(Huffman literals, Huffman distances) throws DataFormatException {
    int[] literalTable = literals.fast;
    int[] distanceTable = distances.fast;
    while (true) {
      // At most 15 + 5 bits for a length and 15 + 13 for its distance: 48 bits cover a symbol.
      if (bitCount < 48) {
        refill();
      }
      int entry = literalTable[(int) bits & Huffman.FAST_MASK];
      if (entry == 0) {
        entry = literals.slowEntry(this);
      }
      int n = entry & Huffman.SKIP_MASK;
      bits >>>= n;
      bitCount -= n;
      int kind = entry >>> Huffman.KIND_SHIFT;
      if (kind == Huffman.LITERAL) {
        continue;
      }
      if (kind == Huffman.END_OF_BLOCK) {
        return;
      }
      if (kind == Huffman.INVALID) {
        throw new DataFormatException("invalid length symbol");
      }
      entry = distanceTable[(int) bits & Huffman.FAST_MASK];
      if (entry == 0) {
        entry = distances.slowEntry(this);
      }
      if (entry >>> Huffman.KIND_SHIFT == Huffman.INVALID) {
        throw new DataFormatException("invalid distance symbol");
      }
      n = entry & Huffman.SKIP_MASK;
      bits >>>= n;
      bitCount -= n;
    }
  }

  /** Decodes one symbol bit by bit (zlib's puff): for codes longer than the table's bits. */
  private int decodeSlowly(Huffman code) throws DataFormatException {
    int value = 0;
    int first = 0;
    int index = 0;
    for (int len = 1; len <= 15; len++) {
      value |= (int) (bits & 1);
      bits >>>= 1;
      bitCount--;
      int count = code.counts[len];
      if (value - count < first) {
        return code.symbols[index + (value - first)];
      }
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new DataFormatException("invalid Huffman code");
  }

  private int decode(Huffman code) throws DataFormatException {
    int entry = code.fast[(int) bits & Huffman.FAST_MASK];
    if (entry == 0) {
      return decodeSlowly(code);
    }
    int n = entry & Huffman.SKIP_MASK;
    bits >>>= n;
    bitCount -= n;
    return entry >>> Huffman.SYMBOL_SHIFT & 0x1ff;
  }

  private int take(int n) {
    int value = (int) (bits & ((1L << n) - 1));
    bits >>>= n;
    bitCount -= n;
    return value;
  }

  private long position() {
    return 8L * next - bitCount;
  }

  /** Tops the bit buffer up to at least 56 bits; past the end it reads zeros (checked later). */
  private void refill() throws DataFormatException {
    if (next + 8 <= length) {
      bits |= (long) LONG_LE.get(data, next) << bitCount;
      int bytes = (63 - bitCount) >>> 3;
      next += bytes;
      bitCount += bytes << 3;
      return;
    }
    while (bitCount <= 56) {
      if (next < length) {
        bits |= (data[next] & 0xffL) << bitCount;
      } else if (next > length + 16) {
        throw new DataFormatException("deflate stream is truncated");
      }
      next++;
      bitCount += 8;
    }
  }

  /** Which extra bits follow a symbol of a code: none, a length's or a distance's. */
  private enum Alphabet {
    CODE_LENGTHS,
    LITERALS,
    DISTANCES
  }

  /**
   * A canonical Huffman code: a table for codes up to {@link #FAST_BITS} bits, counts and symbols
   * for the rest. A table entry says how many bits to skip (the code and the extra bits after it,
   * whose values the walk never needs), what kind of symbol it is, and the symbol.
   */
  private static final class Huffman {
    static final int FAST_BITS = 11;
    static final int FAST_MASK = (1 << FAST_BITS) - 1;
    static final int SKIP_MASK = 31;
    static final int SYMBOL_SHIFT = 5;
    static final int KIND_SHIFT = 14;
    static final int LITERAL = 0;
    static final int LENGTH = 1;
    static final int END_OF_BLOCK = 2;
    static final int INVALID = 3;

    /** Indexed by the next table-bits of the stream; 0 for a longer code. */
    final int[] fast = new int[1 << FAST_BITS];

    final int[] counts = new int[16];
    final int[] symbols;
    private final Alphabet alphabet;

    private Huffman(int n, Alphabet alphabet) {
      this.symbols = new int[n];
      this.alphabet = alphabet;
    }

    /**
     * For a code longer than the table: decodes it, then skips its extra bits as an entry would.
     */
    int slowEntry(RawDeflate walk) throws DataFormatException {
      int symbol = walk.decodeSlowly(this);
      return entry(symbol, 0);
    }

    /** The table entry of {@code symbol} with a code of {@code codeLength} bits. */
    int entry(int symbol, int codeLength) {
      int kind;
      int extra = 0;
      switch (alphabet) {
        case LITERALS -> {
          if (symbol < 256) {
            kind = LITERAL;
          } else if (symbol == 256) {
            kind = END_OF_BLOCK;
          } else if (symbol - 257 < LENGTH_EXTRA.length) {
            kind = LENGTH;
            extra = LENGTH_EXTRA[symbol - 257];
          } else {
            kind = INVALID;
          }
        }
        case DISTANCES -> {
          if (symbol < DISTANCE_EXTRA.length) {
            kind = LENGTH;
            extra = DISTANCE_EXTRA[symbol];
          } else {
            kind = INVALID;
          }
        }
        default -> kind = LITERAL;
      }
      return kind << KIND_SHIFT | symbol << SYMBOL_SHIFT | (codeLength + extra);
    }

    static Huffman of(int[] lengths, int from, int n, Alphabet alphabet)
        throws DataFormatException {
      Huffman h = new Huffman(n, alphabet);
      for (int s = 0; s < n; s++) {
        h.counts[lengths[from + s]]++;
      }
      h.counts[0] = 0;
      int left = 1;
      for (int len = 1; len <= 15; len++) {
        left = (left << 1) - h.counts[len];
        if (left < 0) {
          throw new DataFormatException("over-subscribed Huffman code");
        }
      }
      int[] offsets = new int[16];
      int[] nextCode = new int[16];
      int code = 0;
      for (int len = 1; len <= 15; len++) {
        offsets[len] = offsets[len - 1] + h.counts[len - 1];
        code = (code + h.counts[len - 1]) << 1;
        nextCode[len] = code;
      }
      for (int s = 0; s < n; s++) {
        int len = lengths[from + s];
        if (len == 0) {
          continue;
        }
        h.symbols[offsets[len]++] = s;
        int c = nextCode[len]++;
        if (len <= FAST_BITS) {
          int entry = h.entry(s, len);
          int reversed = Integer.reverse(c) >>> (32 - len);
          for (int k = reversed; k <= FAST_MASK; k += 1 << len) {
            h.fast[k] = entry;
          }
        }
      }
      return h;
    }
  }
}
