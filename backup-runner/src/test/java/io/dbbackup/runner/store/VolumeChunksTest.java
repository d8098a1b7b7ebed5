package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunk store contract on a volume, and what is particular to one: modes, links, fsync. */
class VolumeChunksTest extends ChunkStoreContract {
  private static final String NAME = "ab" + "0".repeat(62);
  private static final String FILE = "chunks/ab/" + NAME + ".zst.gpg";

  @TempDir Path dir;

  private Path root() {
    return dir.resolve("shop").resolve("orders-db");
  }

  @Override
  protected ChunkStore chunks(int listPageSize) {
    return new VolumeStore(dir, "shop", "orders-db").chunks();
  }

  @Override
  protected void putForeign(String path, byte[] content) throws IOException {
    Path file = root().resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  @Override
  protected List<String> storedFiles() throws IOException {
    if (!Files.isDirectory(root())) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root())) {
      return s.filter(Files::isRegularFile).map(p -> root().relativize(p).toString()).toList();
    }
  }

  @Test
  void putIsCreateOnlyDurableAndPrivate() throws Exception {
    VolumeStore store = new VolumeStore(dir, "shop", "orders-db");
    ChunkStore chunks = store.chunks();
    assertThat(chunks.size(FILE)).isEmpty();
    byte[] first = "first chunk....".getBytes(StandardCharsets.UTF_8);
    assertThat(chunks.put(FILE, first, 11)).isTrue();
    assertThat(chunks.put(FILE, "other".getBytes(StandardCharsets.UTF_8), 5)).isFalse();
    assertThat(chunks.size(FILE)).hasValue(11);
    try (var in = chunks.open(FILE)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first chunk");
    }
    Path stored = store.root().resolve(FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.getParent())))
        .isEqualTo("rwx------");
    try (Stream<Path> s = Files.list(stored.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(NAME + ".zst.gpg");
    }
    List<ChunkStore.StoredChunk> listed = new ArrayList<>();
    chunks.list(listed::add);
    assertThat(listed).containsExactly(new ChunkStore.StoredChunk(FILE, 11));
    assertThat(store.listIds()).as("chunks/ is not a backup").isEmpty();
    chunks.delete(FILE);
    assertThat(chunks.size(FILE)).isEmpty();
  }

  @Test
  void namesOutsideTheChunkFolderAreRefused() {
    ChunkStore chunks = new VolumeStore(dir, "shop", "orders-db").chunks();
    assertThatThrownBy(() -> chunks.put("chunks/ab/../../x.zst", new byte[1], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected chunks/<2 hex>/<64 hex>");
    assertThatThrownBy(() -> chunks.open("chunks/cd/" + NAME + ".zst"))
        .hasMessageContaining("refused chunk name");
  }
}
