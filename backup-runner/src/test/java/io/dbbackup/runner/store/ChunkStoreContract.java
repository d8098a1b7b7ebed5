package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.store.ChunkStore.StoredChunk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChunkStore} does, whatever it stores in: a store extends this with a fresh,
 * empty resource per test. Names are relative to the resource's folder, as {@link ChunkStore} has
 * them.
 */
public abstract class ChunkStoreContract {
  private static final Random NAMES = new Random();

  /**
   * The chunk store of an empty resource; a store that lists in pages lists {@code listPageSize}
   * chunks a page (others ignore it).
   */
  protected abstract ChunkStore chunks(int listPageSize) throws IOException;

  /**
   * Writes {@code content} as {@code path} (relative to the resource's folder) beside the store, as
   * a person or another tool could: keys or files that are not chunks.
   */
  protected abstract void putForeign(String path, byte[] content) throws IOException;

  /** Every file the resource's folder holds, relative to it, read beside the store. */
  protected abstract List<String> storedFiles() throws IOException;

  protected ChunkStore chunks() throws IOException {
    return chunks(1000);
  }

  /** A new chunk name, {@code chunks/<2 hex>/<64 hex>.<ext>}. */
  public static String name(String ext) {
    byte[] b = new byte[32];
    NAMES.nextBytes(b);
    String hex = HexFormat.of().formatHex(b);
    return ChunkStore.FOLDER + "/" + hex.substring(0, 2) + "/" + hex + "." + ext;
  }

  public static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  public void aChunkIsReadBackWithItsSize() throws IOException {
    ChunkStore store = chunks();
    byte[] buffer = content(300_017, 1);
    int len = 300_000; // a chunker's buffer holds more than the chunk
    for (String ext : List.of("zst", "gz.gpg", "raw")) {
      String file = name(ext);
      assertThat(store.size(file)).as("before put").isEmpty();
      assertThat(store.put(file, buffer, len)).isTrue();
      assertThat(store.size(file)).hasValue(len);
      try (InputStream in = store.open(file)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(buffer, len));
      }
    }
    assertThat(storedFiles()).hasSize(3).allMatch(f -> ChunkStore.FILE.matcher(f).matches());
  }

  @Test
  public void anEmptyChunkIsAChunk() throws IOException {
    ChunkStore store = chunks();
    String file = name("raw");
    assertThat(store.put(file, new byte[8], 0)).isTrue();
    assertThat(store.size(file)).hasValue(0);
    try (InputStream in = store.open(file)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  public void openingAChunkThatIsNotStoredIsNoSuchFile() throws IOException {
    ChunkStore store = chunks();
    assertThatThrownBy(() -> store.open(name("zst")).close())
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  public void aSecondPutOfANameKeepsTheFirstAndSaysSo() throws IOException {
    ChunkStore store = chunks();
    String file = name("zst.gpg");
    byte[] first = content(70_000, 2);
    byte[] second = content(90_000, 3);
    assertThat(store.put(file, first, first.length)).isTrue();
    assertThat(store.put(file, second, second.length)).isFalse();
    assertThat(store.size(file)).hasValue(first.length);
    try (InputStream in = store.open(file)) {
      assertThat(in.readAllBytes()).isEqualTo(first);
    }
    assertThat(storedFiles()).containsExactly(file);
  }

  @Test
  public void listSeesEveryChunkOverSeveralPagesAndSkipsWhatIsNotAChunk() throws IOException {
    ChunkStore store = chunks(3);
    Map<String, Long> put = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      String file = name(i % 3 == 0 ? "zst.gpg" : i % 3 == 1 ? "gz" : "raw");
      byte[] c = content(1000 + i * 37, i);
      assertThat(store.put(file, c, c.length)).isTrue();
      put.put(file, (long) c.length);
    }
    String hex = name("zst").substring("chunks/ab/".length(), "chunks/ab/".length() + 64);
    List<String> foreign =
        List.of(
            "chunks/README",
            "chunks/" + hex.substring(0, 2) + "/not-a-chunk",
            "chunks/" + hex.substring(0, 2) + "/" + hex + ".zst.tmp",
            "chunks/" + hex.substring(0, 2) + "/" + hex.toUpperCase() + ".zst",
            "chunks/" + (hex.startsWith("00") ? "11" : "00") + "/" + hex + ".zst",
            "chunks/" + hex.substring(0, 2) + "/" + hex.substring(0, 2) + "/" + hex + ".zst",
            "chunks/" + hex.substring(0, 2) + "/" + hex + ".zip");
    for (String f : foreign) {
      putForeign(f, new byte[] {1, 2, 3});
    }

    Map<String, Long> listed = new HashMap<>();
    List<String> seen = new ArrayList<>();
    store.list(
        c -> {
          seen.add(c.file());
          listed.put(c.file(), c.bytes());
        });
    assertThat(seen).as("each chunk once").doesNotHaveDuplicates();
    assertThat(listed).isEqualTo(put);
    // skipped, not deleted
    assertThat(storedFiles()).containsAll(foreign).hasSize(put.size() + foreign.size());
  }

  @Test
  public void anEmptyStoreListsNothing() throws IOException {
    List<StoredChunk> seen = new ArrayList<>();
    chunks(3).list(seen::add);
    assertThat(seen).isEmpty();
  }

  @Test
  public void deleteIsIdempotent() throws IOException {
    ChunkStore store = chunks();
    String kept = name("zst");
    String gone = name("zst");
    byte[] c = content(5000, 4);
    store.put(kept, c, c.length);
    store.put(gone, c, c.length);
    store.delete(gone);
    assertThat(store.size(gone)).isEmpty();
    store.delete(gone);
    store.delete(name("gz")); // never stored
    List<String> listed = new ArrayList<>();
    store.list(s -> listed.add(s.file()));
    assertThat(listed).containsExactly(kept);
    assertThat(store.put(gone, c, c.length)).as("a deleted name can be stored again").isTrue();
  }

  @Test
  public void namesThatAreNotChunksAreRefusedBeforeAnythingIsTouched() throws IOException {
    ChunkStore store = chunks();
    String good = name("zst");
    String hex = good.substring("chunks/ab/".length(), "chunks/ab/".length() + 64);
    String two = hex.substring(0, 2);
    List<String> bad =
        Arrays.asList(
            null,
            "",
            "chunks/../../etc/passwd",
            "chunks/" + two + "/../../" + two + "/" + hex + ".zst",
            "../chunks/" + two + "/" + hex + ".zst",
            "/" + good,
            "./" + good,
            good + "/../../../x",
            "chunks\\" + two + "\\" + hex + ".zst",
            good.toUpperCase(),
            good + "\n",
            good + ".exe",
            "other/" + two + "/" + hex + ".zst",
            hex + ".zst");
    byte[] c = {1};
    for (String file : bad) {
      for (var call :
          List.<ThrowingCall>of(
              () -> store.size(file),
              () -> store.put(file, c, 1),
              () -> store.open(file).close(),
              () -> store.delete(file))) {
        assertThatThrownBy(call::run)
            .as(String.valueOf(file))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected chunks/<2 hex>/<64 hex>");
      }
    }
    assertThat(storedFiles()).isEmpty();
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }
}
