package io.dbbackup.runner.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FastCdcOutputStreamTest {
  private static final int MIB = 1024 * 1024;

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Chunks of {@code data}, written in pieces of {@code piece} bytes. */
  private static List<byte[]> chunks(byte[] data, int piece) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (FastCdcOutputStream cdc =
        new FastCdcOutputStream((b, len) -> out.add(Arrays.copyOf(b, len)))) {
      for (int off = 0; off < data.length; off += piece) {
        cdc.write(data, off, Math.min(piece, data.length - off));
      }
    }
    return out;
  }

  private static Set<String> keys(List<byte[]> chunks) {
    Set<String> s = new HashSet<>();
    for (byte[] c : chunks) {
      s.add(Arrays.hashCode(c) + ":" + c.length);
    }
    return s;
  }

  @Test
  void sameBytesGiveSameChunksWhateverTheWriteSizes() throws IOException {
    byte[] data = random(1, 24 * MIB);
    List<byte[]> a = chunks(data, 65536);
    List<byte[]> b = chunks(data, 7919);
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i)).as("chunk %d", i).isEqualTo(a.get(i));
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] c : a) {
      joined.writeBytes(c);
    }
    assertThat(joined.toByteArray()).as("chunks joined").isEqualTo(data);
  }

  @Test
  void chunksStayWithinMinAndMaxAndAverageNearOneMiB() throws IOException {
    byte[] data = random(2, 96 * MIB);
    List<byte[]> c = chunks(data, 1 << 20);
    for (int i = 0; i < c.size() - 1; i++) {
      assertThat(c.get(i).length)
          .as("chunk %d", i)
          .isBetween(FastCdcOutputStream.MIN, FastCdcOutputStream.MAX);
    }
    double avg = (double) data.length / c.size();
    assertThat(avg / MIB).as("average MiB over %d chunks", c.size()).isBetween(0.75, 1.5);
  }

  @Test
  void repetitiveInputIsCutAtMax() throws IOException {
    byte[] zeros = new byte[10 * MIB];
    List<byte[]> c = chunks(zeros, 1 << 16);
    assertThat(c.getFirst().length).isEqualTo(FastCdcOutputStream.MAX);
    assertThat(c.stream().mapToInt(b -> b.length).sum()).isEqualTo(zeros.length);
  }

  @Test
  void anInsertionAtTheFrontChangesOnlyTheFirstChunks() throws IOException {
    byte[] data = random(3, 48 * MIB);
    byte[] shifted = new byte[data.length + 1000];
    System.arraycopy(random(4, 1000), 0, shifted, 0, 1000);
    System.arraycopy(data, 0, shifted, 1000, data.length);
    List<byte[]> before = chunks(data, 1 << 16);
    List<byte[]> after = chunks(shifted, 1 << 16);
    Set<String> old = keys(before);
    long changed =
        after.stream().filter(b -> !old.contains(Arrays.hashCode(b) + ":" + b.length)).count();
    assertThat(before.size()).isGreaterThan(20);
    assertThat(changed).as("new chunks out of %d", after.size()).isBetween(1L, 2L);
  }

  @Test
  void emptyInputGivesNoChunkAndBadSizesAreRefused() throws IOException {
    assertThat(chunks(new byte[0], 1)).isEmpty();
    assertThatThrownBy(() -> new FastCdcOutputStream(1024, 3000, 8192, (b, l) -> {}))
        .hasMessageContaining("avg a power of two");
  }
}
