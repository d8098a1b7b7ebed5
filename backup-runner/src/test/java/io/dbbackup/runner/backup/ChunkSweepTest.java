package io.dbbackup.runner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.chunk.ChunkFormat;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkStream;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.ChunkWriter;
import io.dbbackup.runner.chunk.FastCdcOutputStream;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.VolumeStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's safety rules on a real directory, with a failure injected mid-sweep. */
class ChunkSweepTest {
  private static final ChunkKey KEY = new ChunkKey("s".repeat(40).getBytes());
  private static final ChunkFormat FORMAT =
      new ChunkFormat(CompressionAlgorithm.ZSTD, 1, null, null);
  private static final Instant NOW = Instant.parse("2026-01-10T02:00:00Z");

  @TempDir Path dir;

  private static byte[] data(long seed) {
    byte[] b = new byte[6 << 20];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A committed backup folder holding the index of {@code data}'s chunks. */
  private static ChunkIndex backup(VolumeStore store, String id, byte[] data, boolean manifest)
      throws Exception {
    ChunkIndex index;
    try (ChunkWriter w = new ChunkWriter(store.chunks(), KEY, FORMAT, Map.of(), 2, null)) {
      try (FastCdcOutputStream cdc = new FastCdcOutputStream(w)) {
        cdc.write(data);
      }
      index = w.finish(id).index();
    }
    BackupId bid = BackupId.parse(id).orElseThrow();
    try (var out = store.create(bid, ChunkIndex.FILE_NAME)) {
      out.stream().write(index.encode());
      out.commit();
    }
    if (manifest) {
      try (var out = store.create(bid, Manifest.FILE_NAME)) {
        out.stream().write("{}".getBytes());
        out.commit();
      }
    }
    return index;
  }

  private static Set<String> stored(ChunkStore chunks) throws IOException {
    Set<String> s = new HashSet<>();
    chunks.list(c -> s.add(c.file()));
    return s;
  }

  private static Set<String> files(ChunkIndex index) {
    Set<String> s = new HashSet<>();
    index.chunks().forEach(e -> s.add(e.file()));
    return s;
  }

  private static byte[] read(ChunkStore chunks, ChunkIndex index) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChunkStream in = new ChunkStream(chunks, index, FORMAT, KEY, () -> false)) {
      in.transferTo(out);
    }
    return out.toByteArray();
  }

  @Test
  void aSweepStoppedMidwayLeavesEveryRemainingBackupWhole() throws Exception {
    VolumeStore volume = new VolumeStore(dir, "shop", "orders-db");
    backup(volume, "20260101T020000Z-0001", data(1), true);
    byte[] kept = data(2);
    ChunkIndex remaining = backup(volume, "20260105T020000Z-0002", kept, true);
    volume.deleteBackup(BackupId.parse("20260101T020000Z-0001").orElseThrow());
    Set<String> before = stored(volume.chunks());

    // The third delete fails, as a store that goes away mid-sweep would.
    FailingDeletes failing = new FailingDeletes(volume.chunks(), 2);
    ChunkSweep.Result r = ChunkSweep.sweep(new WithChunks(volume, failing), NOW.minusSeconds(7200));
    assertThat(r.deleted()).isEqualTo(2);
    assertThat(r.failed()).isPositive();
    assertThat(stored(volume.chunks()))
        .hasSizeLessThan(before.size())
        .containsAll(files(remaining));
    assertThat(new ChunkVerifier(volume.chunks()).present(remaining)).isNull();
    assertThat(read(volume.chunks(), remaining)).isEqualTo(kept);

    // The next sweep finishes the job: only what an index names is left.
    ChunkSweep.Result again = ChunkSweep.sweep(volume, NOW.minusSeconds(7200));
    assertThat(again.warnings()).isEmpty();
    assertThat(stored(volume.chunks())).isEqualTo(files(remaining));
  }

  @Test
  void anIndexWithoutManifestKeepsItsChunksAndAnUnreadableIndexStopsTheSweep() throws Exception {
    VolumeStore volume = new VolumeStore(dir, "shop", "orders-db");
    ChunkIndex failedRun = backup(volume, "20260101T020000Z-0001", data(3), false);
    ChunkIndex good = backup(volume, "20260105T020000Z-0002", data(4), true);
    ChunkSweep.Result r = ChunkSweep.sweep(volume, NOW.minusSeconds(7200));
    assertThat(r.deleted()).isZero();
    assertThat(stored(volume.chunks())).containsAll(files(failedRun)).containsAll(files(good));

    volume.deleteBackup(BackupId.parse("20260101T020000Z-0001").orElseThrow());
    Path bad = volume.folder(BackupId.parse("20260106T020000Z-0003").orElseThrow());
    Files.createDirectories(bad);
    Files.writeString(
        bad.resolve(ChunkIndex.FILE_NAME), "{\"formatVersion\": 1, \"chunks\": [{}]}");
    ChunkSweep.Result stopped = ChunkSweep.sweep(volume, NOW.minusSeconds(7200));
    assertThat(stopped.deleted()).isZero();
    assertThat(stopped.warnings()).singleElement().asString().contains("no chunk is deleted");
    assertThat(stored(volume.chunks())).containsAll(files(failedRun));

    // A young folder with neither index nor manifest (a run storing chunks): no sweep either.
    Files.delete(bad.resolve(ChunkIndex.FILE_NAME));
    ChunkSweep.Result young = ChunkSweep.sweep(volume, Instant.parse("2026-01-06T00:00:00Z"));
    assertThat(young.warnings()).singleElement().asString().contains("a run may be storing");
    assertThat(stored(volume.chunks())).containsAll(files(failedRun));
    // Once it is abandoned, the failed run's chunks go.
    ChunkSweep.Result old = ChunkSweep.sweep(volume, NOW.minusSeconds(7200));
    assertThat(old.warnings()).isEmpty();
    assertThat(stored(volume.chunks())).isEqualTo(files(good));
  }

  /** Deletes the first {@code allowed} chunks, then fails. */
  private static final class FailingDeletes implements ChunkStore {
    private final ChunkStore chunks;
    private int allowed;

    FailingDeletes(ChunkStore chunks, int allowed) {
      this.chunks = chunks;
      this.allowed = allowed;
    }

    @Override
    public OptionalLong size(String file) throws IOException {
      return chunks.size(file);
    }

    @Override
    public boolean put(String file, byte[] content, int len) throws IOException {
      return chunks.put(file, content, len);
    }

    @Override
    public InputStream open(String file) throws IOException {
      return chunks.open(file);
    }

    @Override
    public void list(Consumer<StoredChunk> each) throws IOException {
      chunks.list(each);
    }

    @Override
    public void delete(String file) throws IOException {
      if (allowed-- <= 0) {
        throw new IOException("injected: the store went away");
      }
      chunks.delete(file);
    }
  }

  /** The volume, with another chunk store. */
  private static final class WithChunks implements io.dbbackup.runner.store.BackupStore {
    private final VolumeStore v;
    private final ChunkStore chunks;

    WithChunks(VolumeStore v, ChunkStore chunks) {
      this.v = v;
      this.chunks = chunks;
    }

    @Override
    public ChunkStore chunks() {
      return chunks;
    }

    @Override
    public String location(BackupId id) {
      return v.location(id);
    }

    @Override
    public void checkWritable() throws IOException {
      v.checkWritable();
    }

    @Override
    public OptionalLong usableSpace() throws IOException {
      return v.usableSpace();
    }

    @Override
    public io.dbbackup.runner.store.StoreWriter create(BackupId id, String fileName)
        throws IOException {
      return v.create(id, fileName);
    }

    @Override
    public InputStream open(BackupId id, String fileName) throws IOException {
      return v.open(id, fileName);
    }

    @Override
    public boolean exists(BackupId id, String fileName) throws IOException {
      return v.exists(id, fileName);
    }

    @Override
    public List<BackupId> listIds() throws IOException {
      return v.listIds();
    }

    @Override
    public void delete(BackupId id, String fileName) throws IOException {
      v.delete(id, fileName);
    }

    @Override
    public void deleteBackup(BackupId id) throws IOException {
      v.deleteBackup(id);
    }

    @Override
    public void putState(String name, byte[] content) throws IOException {
      v.putState(name, content);
    }

    @Override
    public List<String> listState() throws IOException {
      return v.listState();
    }

    @Override
    public byte[] readState(String name) throws IOException {
      return v.readState(name);
    }

    @Override
    public void deleteState(String name) throws IOException {
      v.deleteState(name);
    }
  }
}
