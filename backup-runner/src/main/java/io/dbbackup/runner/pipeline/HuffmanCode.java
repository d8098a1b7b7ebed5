package io.dbbackup.runner.pipeline;

import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * A canonical Huffman code of a deflate stream (RFC 1951): a table for codes up to {@link
 * #FAST_BITS} bits, counts and symbols for the rest. A table entry says how many bits to skip (the
 * code and the extra bits after it, whose values {@link DeflateWalk} never needs), what kind of
 * symbol it is, and the symbol. Also owns the fixed codes of block type 1.
 */
final class HuffmanCode {
  /** Which extra bits follow a symbol of a code: none, a length's or a distance's. */
  enum Alphabet {
    CODE_LENGTHS,
    LITERALS,
    DISTANCES
  }

  static final int FAST_BITS = 11;
  static final int FAST_MASK = (1 << FAST_BITS) - 1;
  static final int SKIP_MASK = 31;
  static final int SYMBOL_SHIFT = 5;
  static final int KIND_SHIFT = 14;
  static final int LITERAL = 0;
  static final int LENGTH = 1;
  static final int END_OF_BLOCK = 2;
  static final int INVALID = 3;

  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DISTANCE_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /** The fixed literal/length code of block type 1. */
  static final HuffmanCode FIXED_LITERALS;

  /** The fixed distance code of block type 1. */
  static final HuffmanCode FIXED_DISTANCES;

  static {
    int[] lengths = new int[288];
    Arrays.fill(lengths, 0, 144, 8);
    Arrays.fill(lengths, 144, 256, 9);
    Arrays.fill(lengths, 256, 280, 7);
    Arrays.fill(lengths, 280, 288, 8);
    int[] distances = new int[30];
    Arrays.fill(distances, 5);
    try {
      FIXED_LITERALS = of(lengths, 0, 288, Alphabet.LITERALS);
      FIXED_DISTANCES = of(distances, 0, 30, Alphabet.DISTANCES);
    } catch (DataFormatException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Indexed by the next table-bits of the stream; 0 for a longer code. */
  final int[] fast = new int[1 << FAST_BITS];

  final int[] counts = new int[16];
  final int[] symbols;
  private final Alphabet alphabet;

  private HuffmanCode(int n, Alphabet alphabet) {
    this.symbols = new int[n];
    this.alphabet = alphabet;
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

  /**
   * The code of the symbols {@code 0..n-1} whose code lengths are {@code lengths[from, from + n)}
   * (0: no code); refused when over-subscribed.
   */
  static HuffmanCode of(int[] lengths, int from, int n, Alphabet alphabet)
      throws DataFormatException {
    HuffmanCode h = new HuffmanCode(n, alphabet);
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
