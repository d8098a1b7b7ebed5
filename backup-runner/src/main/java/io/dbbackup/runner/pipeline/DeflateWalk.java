package io.dbbackup.runner.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * One walk through a raw deflate stream (RFC 1951) that finds where its final block starts and
 * ends: block headers, Huffman tables and every symbol are read from a 64-bit buffer and skipped,
 * without producing any output, and the stream is checked on the way (see {@link RawDeflate}).
 */
final class DeflateWalk {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int[] CODE_LENGTH_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private final byte[] data;
  private final int length;
  private long bits;
  private int bitCount;
  private int next;

  DeflateWalk(byte[] data, int length) {
    this.data = data;
    this.length = length;
  }

  /** Walks the stream from its first block to its final one; a walk can be taken once. */
  RawDeflate.Ends walk() throws DataFormatException {
    while (true) {
      long header = position();
      refill();
      boolean last = take(1) == 1;
      int type = take(2);
      switch (type) {
        case 0 -> skipStored();
        case 1 -> skipCompressed(HuffmanCode.FIXED_LITERALS, HuffmanCode.FIXED_DISTANCES);
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

  private RawDeflate.Ends finish(long header) throws DataFormatException {
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
    return new RawDeflate.Ends(header, end);
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
    HuffmanCode codeLengthCode =
        HuffmanCode.of(codeLengths, 0, 19, HuffmanCode.Alphabet.CODE_LENGTHS);
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
        HuffmanCode.of(lengths, 0, literalCodes, HuffmanCode.Alphabet.LITERALS),
        HuffmanCode.of(lengths, literalCodes, distanceCodes, HuffmanCode.Alphabet.DISTANCES));
  }

  private void skipCompressed(HuffmanCode literals, HuffmanCode distances)
      throws DataFormatException {
    int[] literalTable = literals.fast;
    int[] distanceTable = distances.fast;
    while (true) {
      // At most 15 + 5 bits for a length and 15 + 13 for its distance: 48 bits cover a symbol.
      if (bitCount < 48) {
        refill();
      }
      int entry = literalTable[(int) bits & HuffmanCode.FAST_MASK];
      if (entry == 0) {
        entry = slowEntry(literals);
      }
      int n = entry & HuffmanCode.SKIP_MASK;
      bits >>>= n;
      bitCount -= n;
      int kind = entry >>> HuffmanCode.KIND_SHIFT;
      if (kind == HuffmanCode.LITERAL) {
        continue;
      }
      if (kind == HuffmanCode.END_OF_BLOCK) {
        return;
      }
      if (kind == HuffmanCode.INVALID) {
        throw new DataFormatException("invalid length symbol");
      }
      entry = distanceTable[(int) bits & HuffmanCode.FAST_MASK];
      if (entry == 0) {
        entry = slowEntry(distances);
      }
      if (entry >>> HuffmanCode.KIND_SHIFT == HuffmanCode.INVALID) {
        throw new DataFormatException("invalid distance symbol");
      }
      n = entry & HuffmanCode.SKIP_MASK;
      bits >>>= n;
      bitCount -= n;
    }
  }

  /** For a code longer than the table: decodes it, then skips its extra bits as an entry would. */
  private int slowEntry(HuffmanCode code) throws DataFormatException {
    return code.entry(decodeSlowly(code), 0);
  }

  /** Decodes one symbol bit by bit (zlib's puff): for codes longer than the table's bits. */
  private int decodeSlowly(HuffmanCode code) throws DataFormatException {
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

  private int decode(HuffmanCode code) throws DataFormatException {
    int entry = code.fast[(int) bits & HuffmanCode.FAST_MASK];
    if (entry == 0) {
      return decodeSlowly(code);
    }
    int n = entry & HuffmanCode.SKIP_MASK;
    bits >>>= n;
    bitCount -= n;
    return entry >>> HuffmanCode.SYMBOL_SHIFT & 0x1ff;
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
}
