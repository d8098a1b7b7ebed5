package io.dbbackup.runner.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Hand-written manifests in a volume store, as a runner writes them or as someone tampered. */
public final class StoredManifests {
  private StoredManifests() {}

  /** A sound manifest for a backup started at {@code start}. */
  public static Manifest manifest(BackupId id, Instant start) {
    return Manifest.builder()
        .formatVersion(Manifest.FORMAT_VERSION)
        .id(id.value())
        .resource(new Manifest.Resource("ns", "db", "uid-1"))
        .startTime(start)
        .endTime(start.plusSeconds(60))
        .serverVersion("16.4")
        .pgDumpVersion("pg_dumpall (PostgreSQL) 16.4")
        .databases(List.of(new Manifest.DatabaseInfo("postgres", 7_000_000L)))
        .file("dump.sql.gz")
        .dumpBytes(1000)
        .storedBytes(300)
        .sha256("a".repeat(64))
        .plainSha256("b".repeat(64))
        .compression(new Manifest.Compression("gzip", 6))
        .verification(
            new Manifest.Verification(true, "checksum", start.plusSeconds(61), "read back"))
        .build();
  }

  /** A folder with a sound manifest, started at {@code start}; returns its id. */
  public static BackupId writeGood(VolumeStore store, Instant start) {
    BackupId id = BackupId.generate(start);
    write(store, id, ManifestCodec.encode(manifest(id, start)));
    return id;
  }

  /** A folder whose manifest is a sound one changed by {@code edit}, started at {@code start}. */
  public static BackupId writeEdited(VolumeStore store, Instant start, Consumer<ObjectNode> edit) {
    BackupId id = BackupId.generate(start);
    write(store, id, edited(manifest(id, start), edit));
    return id;
  }

  public static byte[] edited(Manifest m, Consumer<ObjectNode> edit) {
    ObjectNode tree = ManifestCodec.mapper().valueToTree(m);
    edit.accept(tree);
    try {
      return ManifestCodec.mapper().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code content} as {@code id}'s manifest.json, with a dump file beside it. */
  public static void write(VolumeStore store, BackupId id, byte[] content) {
    try {
      Path dir = store.folder(id);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("dump.sql.gz"), "not really a dump");
      Files.write(dir.resolve(Manifest.FILE_NAME), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@code folder}'s manifest.json as every runner before format 2 did: formats newer than 1
   * refused ({@link ManifestCodec#decode(InputStream, String, int)} with 1).
   */
  public static Manifest decodeAsFormat1Reader(Path folder) throws IOException {
    try (InputStream in = Files.newInputStream(folder.resolve(Manifest.FILE_NAME))) {
      return ManifestCodec.decode(in, "old/manifest.json", 1);
    }
  }

  /** Decodes and checks {@code content} as the manifest of {@code id}'s folder. */
  public static Manifest decode(BackupId id, byte[] content) throws IOException {
    try (InputStream in = new java.io.ByteArrayInputStream(content)) {
      return ManifestCheck.check(
          ManifestCodec.decode(in, "test/manifest.json"), id, "test/manifest.json");
    }
  }
}
