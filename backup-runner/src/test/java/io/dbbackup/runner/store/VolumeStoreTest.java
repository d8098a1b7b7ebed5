package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeStoreTest {
  @TempDir Path base;

  @Test
  void aFileIsInvisibleUntilCommittedThenHasMode0600() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    BackupId id = BackupId.generate(Instant.now());
    try (StoreWriter w = store.create(id, "dump.sql.gz")) {
      w.stream().write("hello".getBytes());
      assertThat(store.exists(id, "dump.sql.gz")).isFalse();
      assertThat(store.folder(id).resolve("dump.sql.gz.partial")).exists();
      w.commit();
    }
    assertThat(store.exists(id, "dump.sql.gz")).isTrue();
    assertThat(store.folder(id).resolve("dump.sql.gz.partial")).doesNotExist();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store.folder(id).resolve("dump.sql.gz"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.folder(id))))
        .isEqualTo("rwx------");
    try (InputStream in = store.open(id, "dump.sql.gz")) {
      assertThat(new String(in.readAllBytes())).isEqualTo("hello");
    }
  }

  @Test
  void anAbortedWriteLeavesNothing() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    BackupId id = BackupId.generate(Instant.now());
    try (StoreWriter w = store.create(id, "dump.sql.gz")) {
      w.stream().write(new byte[1000]);
    }
    assertThat(store.exists(id, "dump.sql.gz")).isFalse();
    assertThat(store.folder(id).resolve("dump.sql.gz.partial")).doesNotExist();
  }

  @Test
  void deleteBackupRemovesTheManifestAndTheFolder() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    BackupId id = BackupId.generate(Instant.now());
    for (String f : new String[] {"dump.sql.gz", "manifest.json"}) {
      try (StoreWriter w = store.create(id, f)) {
        w.stream().write(1);
        w.commit();
      }
    }
    assertThat(store.listIds()).containsExactly(id);
    store.deleteBackup(id);
    assertThat(store.listIds()).isEmpty();
    assertThat(store.folder(id)).doesNotExist();
  }

  @Test
  void stateFilesLiveBesideBackupsWithoutBeingTakenForOne() throws Exception {
    VolumeStore store = new VolumeStore(base, "ns", "db");
    store.putState("pending-history-x.json", "{}".getBytes());
    assertThat(store.listState()).containsExactly("pending-history-x.json");
    assertThat(store.listIds()).isEmpty();
    assertThat(new String(store.readState("pending-history-x.json"))).isEqualTo("{}");
    store.deleteState("pending-history-x.json");
    assertThat(store.listState()).isEmpty();
  }
}
