package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The deflate walker that lets independently compressed pieces join into one stream. zlib's
 * Inflater is the oracle: the joined stream must inflate to exactly the pieces' plain bytes and end
 * exactly where it should; a wrongly placed final bit or marker fails that.
 */
class RawDeflateTest {

  /** Inputs that make zlib write stored, fixed-Huffman and dynamic blocks, and long matches. */
  static List<byte[]> inputs() {
    byte[] repetitive = new byte[700_000];
    Arrays.fill(repetitive, (byte) 'a');
    return List.of(
        new byte[0],
        new byte[] {42},
        "hello, hello, hello".getBytes(),
        TestData.random(70_000, 1),
        TestData.text(1_500_000, 2),
        repetitive,
        TestData.random(300_000, 3));
  }

  @Test
  void locatesTheFinalBlockOfWhatZlibWritesAtEveryLevelAndStrategy() throws Exception {
    for (byte[] input : inputs()) {
      for (int level : new int[] {0, 1, 6, 9}) {
        for (int strategy :
            new int[] {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY}) {
          byte[] deflated = zlib(input, level, strategy, false);
          RawDeflate.Ends ends = RawDeflate.locate(deflated, deflated.length);
          assertThat((ends.endBit() + 7) / 8).isEqualTo(deflated.length);
          assertThat(ends.finalBlockBit()).isLessThan(ends.endBit());
          // The final bit is set where the walker says, and clearing it makes zlib read on.
          assertThat(deflated[(int) (ends.finalBlockBit() / 8)] >> (ends.finalBlockBit() % 8) & 1)
              .isEqualTo(1);
        }
      }
    }
  }

  @Test
  void piecesDeflatedOnTheirOwnJoinIntoOneStreamThatInflatesToAllOfThem() throws Exception {
    Set<Integer> markerSizes = new HashSet<>();
    List<byte[]> inputs = inputs();
    for (int level : new int[] {0, 1, 6, 9}) {
      for (boolean syncFlushFirst : new boolean[] {false, true}) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (int i = 0; i < inputs.size(); i++) {
          byte[] input = inputs.get(i);
          byte[] deflated = zlib(input, level, Deflater.DEFAULT_STRATEGY, syncFlushFirst);
          plain.write(input);
          if (i == inputs.size() - 1) {
            joined.write(deflated);
          } else {
            DeflatedBlock piece = RawDeflate.continuable(deflated, deflated.length);
            markerSizes.add(piece.length() - deflated.length);
            joined.write(piece.data(), 0, piece.length());
          }
        }
        assertThat(inflate(joined.toByteArray()))
            .as("level %d, sync flush first %s", level, syncFlushFirst)
            .isEqualTo(plain.toByteArray());
      }
    }
    // Both ways of reaching the byte boundary were taken: in the padding, and with one more byte.
    assertThat(markerSizes).containsExactlyInAnyOrder(4, 5);
  }

  @Test
  void piecesFromLibdeflateJoinToo() throws Exception {
    DeflateEngine libdeflate = Engines.named("libdeflate");
    List<byte[]> inputs = new ArrayList<>(inputs());
    inputs.add(TestData.text(1024 * 1024, 9));
    for (int level : new int[] {1, 6, 9}) {
      try (DeflateEngine.Session session = libdeflate.open(level, 1)) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (byte[] whole : inputs) {
          for (int off = 0; off < whole.length || off == 0; off += 1024 * 1024) {
            int n = Math.min(1024 * 1024, whole.length - off);
            byte[] input = Arrays.copyOfRange(whole, off, off + n);
            DeflatedBlock piece = session.deflate(input, n, null, 0, false);
            joined.write(piece.data(), 0, piece.length());
            plain.write(input);
          }
        }
        DeflatedBlock last = session.deflate(new byte[] {7}, 1, null, 0, true);
        joined.write(last.data(), 0, last.length());
        plain.write(7);
        assertThat(inflate(joined.toByteArray()))
            .as("level %d", level)
            .isEqualTo(plain.toByteArray());
      }
    }
  }

  @Test
  void refusesWhatIsNotExactlyOneCompleteStream() throws DataFormatException {
    byte[] deflated = zlib(TestData.text(200_000, 5), 6, Deflater.DEFAULT_STRATEGY, false);

    assertThatThrownBy(() -> RawDeflate.locate(deflated, deflated.length - 1))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("truncated");
    byte[] longer = Arrays.copyOf(deflated, deflated.length + 1);
    assertThatThrownBy(() -> RawDeflate.locate(longer, longer.length))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("deflate stream ends at byte " + deflated.length + " of " + longer.length);
    assertThatThrownBy(() -> RawDeflate.locate(new byte[0], 0))
        .isInstanceOf(DataFormatException.class);
    // BFINAL=1, BTYPE=11: a block type that does not exist.
    assertThatThrownBy(() -> RawDeflate.locate(new byte[] {7, 0, 0}, 3))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("invalid deflate block type 3");
    // A stored block whose NLEN does not match LEN.
    assertThatThrownBy(() -> RawDeflate.locate(new byte[] {1, 1, 0, 0, 0, 9}, 6))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("stored block length check failed");
    // The empty final fixed block (03 00) with a stray bit in its padding.
    assertThat(RawDeflate.locate(new byte[] {3, 0}, 2)).isEqualTo(new RawDeflate.Ends(0, 10));
    assertThatThrownBy(() -> RawDeflate.locate(new byte[] {3, (byte) 0x80}, 2))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("deflate stream's padding bits are not zero");
  }

  @Test
  void aPieceThatCannotBeJoinedIsDeflatedAgainWithZlib() throws Exception {
    byte[] first = TestData.text(200_000, 6);
    byte[] garbage = TestData.random(5000, 7); // not a deflate stream that ends where it should
    DeflatedBlock redone =
        RawDeflate.continuableOrRedeflate(garbage, garbage.length, first, 200_000, 6);
    byte[] second = TestData.text(1000, 8);
    byte[] last = zlib(second, 6, Deflater.DEFAULT_STRATEGY, false);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    joined.write(redone.data(), 0, redone.length());
    joined.write(last);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.write(first);
    plain.write(second);
    assertThat(inflate(joined.toByteArray())).isEqualTo(plain.toByteArray());
    // A good piece is joined as it is, not deflated again.
    byte[] good = zlib(first, 1, Deflater.DEFAULT_STRATEGY, false);
    DeflatedBlock joinedAsIs =
        RawDeflate.continuableOrRedeflate(good, good.length, first, 200_000, 9);
    assertThat(joinedAsIs.length()).isBetween(good.length + 4, good.length + 5);
  }

  @Test
  void randomDamageIsRefusedOrStillEndsWhereTheDataEnds() {
    byte[] deflated = zlib(TestData.text(300_000, 8), 6, Deflater.DEFAULT_STRATEGY, false);
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 300; i++) {
      byte[] damaged = deflated.clone();
      damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
      try {
        RawDeflate.Ends ends = RawDeflate.locate(damaged, damaged.length);
        // A flip inside a literal can leave a valid stream; it must still end at the end.
        assertThat((ends.endBit() + 7) / 8).isEqualTo(damaged.length);
      } catch (DataFormatException expected) {
        // refused, as it should be for most flips
      }
    }
  }

  static byte[] zlib(byte[] input, int level, int strategy, boolean syncFlushFirst) {
    Deflater deflater = new Deflater(level, true);
    deflater.setStrategy(strategy);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    deflater.setInput(input);
    if (syncFlushFirst) {
      int n;
      while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
        out.write(buffer, 0, n);
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  static byte[] inflate(byte[] raw) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(raw);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && inflater.needsInput()) {
        throw new AssertionError("the joined stream ended before its final block");
      }
      out.write(buffer, 0, n);
    }
    assertThat(inflater.getRemaining()).as("bytes after the final block").isZero();
    inflater.end();
    return out.toByteArray();
  }
}
