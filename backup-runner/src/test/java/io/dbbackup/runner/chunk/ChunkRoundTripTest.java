package io.dbbackup.runner.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.VolumeStore;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkRoundTripTest {
  @TempDir Path dir;

  private static final ChunkKey KEY = new ChunkKey("k".repeat(32).getBytes());

  private ChunkWriter.Result write(
      ChunkStore store, ChunkFormat format, byte[] data, Map<String, ChunkIndex.Entry> known)
      throws Exception {
    try (ChunkWriter w = new ChunkWriter(store, KEY, format, known, 3, null)) {
      try (FastCdcOutputStream cdc = new FastCdcOutputStream(w)) {
        cdc.write(data);
      }
      return w.finish("20261124T020000Z-7f3a");
    }
  }

  @Test
  void chunksReadBackAsWrittenAndASecondRunStoresNothingNew() throws Exception {
    ChunkStore store = new VolumeStore(dir, "shop", "orders-db").chunks();
    ChunkFormat format = new ChunkFormat(CompressionAlgorithm.GZIP, 6, null, null);
    byte[] data = new byte[12 << 20];
    new Random(7).nextBytes(data);
    ChunkWriter.Result first = write(store, format, data, Map.of());
    assertThat(first.newChunks()).isEqualTo(first.index().chunks().size()).isGreaterThan(3);
    assertThat(first.index().plainBytes()).isEqualTo(data.length);

    Map<String, ChunkIndex.Entry> known = new HashMap<>();
    first.index().chunks().forEach(e -> known.put(e.file(), e));
    ChunkWriter.Result second = write(store, format, data, known);
    assertThat(second.newChunks()).isZero();
    assertThat(second.index())
        .isEqualTo(
            new ChunkIndex(
                ChunkIndex.FORMAT_VERSION, "20261124T020000Z-7f3a", first.index().chunks()));

    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (ChunkStream in = new ChunkStream(store, first.index(), format, KEY, () -> false)) {
      in.transferTo(back);
    }
    assertThat(back.toByteArray()).isEqualTo(data);
  }

  @Test
  void aChunkWithOtherBytesThanItsNameIsRefusedNamingIt() throws Exception {
    VolumeStore volume = new VolumeStore(dir, "shop", "orders-db");
    ChunkFormat format = new ChunkFormat(CompressionAlgorithm.NONE, null, null, null);
    byte[] data = new byte[2 << 20];
    new Random(8).nextBytes(data);
    ChunkIndex index = write(volume.chunks(), format, data, Map.of()).index();
    ChunkIndex.Entry e = index.chunks().getFirst();
    Path file = volume.root().resolve(e.file());
    byte[] b = Files.readAllBytes(file);
    b[10] ^= 1;
    Files.write(file, b);
    // The index's SHA-256 updated too: only the HMAC can tell.
    ChunkIndex forged =
        new ChunkIndex(
            1,
            index.id(),
            index.chunks().stream()
                .map(
                    x ->
                        x == e
                            ? new ChunkIndex.Entry(
                                x.file(),
                                x.plainBytes(),
                                x.storedBytes(),
                                ChunkWriter.sha256(b, b.length))
                            : x)
                .toList());
    assertThatThrownBy(
            () -> {
              try (ChunkStream in =
                  new ChunkStream(volume.chunks(), forged, format, KEY, () -> false)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
              }
            })
        .isInstanceOf(ChunkStream.BadChunkException.class)
        .hasMessageContaining(e.file())
        .hasMessageContaining("does not hold the bytes its name says");
    assertThat(
            new ChunkVerifier(volume.chunks()).verify(forged, format, KEY, () -> false).problem())
        .contains(e.file());
  }

  @Test
  void aShortChunkKeyIsRefusedNamingTheField() throws Exception {
    Files.createDirectories(dir.resolve("ck"));
    Files.writeString(dir.resolve("ck/key"), "too short");
    assertThatThrownBy(() -> ChunkKey.read(new SecretKeyRef("ck", "key"), new SecretFiles(dir)))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("spec.incremental.chunkKeySecretRef")
        .hasMessageContaining("expected at least 32");
  }
}
