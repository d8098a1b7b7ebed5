package io.dbbackup.runner.store;

import static io.dbbackup.runner.store.VolumeFiles.PARTIAL;
import static io.dbbackup.runner.store.VolumeFiles.createDirectories;
import static io.dbbackup.runner.store.VolumeFiles.fsync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory (in the cluster, a mounted PVC). Files are written as {@code <name>.partial} with
 * mode 0600, fsynced, then atomically renamed ({@link PartialFileWriter}, {@link VolumeFiles});
 * folders are 0700. The chunks are {@link VolumeChunks}.
 */
public final class VolumeStore implements BackupStore {
  private final Path root;

  /** {@code base/namespace/name}: the folder holding this resource's backups. */
  public VolumeStore(Path base, String namespace, String name) {
    this.root = base.resolve(namespace).resolve(name);
  }

  public Path root() {
    return root;
  }

  public Path folder(BackupId id) {
    return root.resolve(id.value());
  }

  /**
   * {@code fileName} in {@code id}'s folder, refused unless it stays there: the name may come from
   * a manifest.
   */
  Path file(BackupId id, String fileName) {
    Path dir = folder(id).normalize();
    Path path = dir.resolve(BackupStore.checkFileName(fileName)).normalize();
    if (!dir.equals(path.getParent())) {
      throw new IllegalArgumentException(
          "refused file name \"" + fileName + "\": it is not inside " + dir);
    }
    return path;
  }

  @Override
  public String location(BackupId id) {
    return folder(id).toString();
  }

  @Override
  public void checkWritable() throws IOException {
    // A file where the path (or one of its parents) should be a directory: say so.
    for (Path p = root; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new NotDirectoryException(p.toString());
        }
        break;
      }
    }
    createDirectories(root);
    Path probe = root.resolve(".write-test" + PARTIAL);
    Files.deleteIfExists(probe);
    Files.newByteChannel(probe, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        .close();
    Files.delete(probe);
  }

  @Override
  public OptionalLong usableSpace() throws IOException {
    Path existing = root;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null
        ? OptionalLong.empty()
        : OptionalLong.of(Files.getFileStore(existing).getUsableSpace());
  }

  @Override
  public StoreWriter create(BackupId id, String fileName) throws IOException {
    Path dir = folder(id);
    Path target = file(id, fileName);
    createDirectories(dir);
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    return new PartialFileWriter(dir.resolve(fileName + PARTIAL), target);
  }

  /** Reads a file of the folder itself: a symbolic link (which could lead anywhere) is refused. */
  @Override
  public InputStream open(BackupId id, String fileName) throws IOException {
    return Files.newInputStream(file(id, fileName), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Whether anything is there under the name: only a successful lookup that finds nothing says no;
   * a lookup that fails (e.g. permission denied) is an error, never "absent".
   */
  @Override
  public boolean exists(BackupId id, String fileName) throws IOException {
    try {
      Files.readAttributes(
          file(id, fileName), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public List<BackupId> listIds() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<BackupId> ids = new ArrayList<>();
    // A symbolic link is not a backup folder of ours: never read through, never deleted.
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(root, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      for (Path dir : dirs) {
        BackupId.parse(dir.getFileName().toString()).ifPresent(ids::add);
      }
    }
    Collections.sort(ids);
    return ids;
  }

  @Override
  public void delete(BackupId id, String fileName) throws IOException {
    Files.deleteIfExists(file(id, fileName));
  }

  @Override
  public void deleteBackup(BackupId id) throws IOException {
    Path dir = folder(id);
    if (!Files.exists(dir)) {
      return;
    }
    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
    fsync(dir);
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    fsync(root);
  }

  @Override
  public void putState(String name, byte[] content) throws IOException {
    Path dir = stateDir();
    createDirectories(dir);
    Path partial = dir.resolve(name + PARTIAL);
    Files.deleteIfExists(partial);
    VolumeFiles.writeNew(partial, content, content.length);
    Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    fsync(dir);
  }

  @Override
  public List<String> listState() throws IOException {
    if (!Files.isDirectory(stateDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(stateDir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(PARTIAL))
          .sorted()
          .toList();
    }
  }

  @Override
  public byte[] readState(String name) throws IOException {
    return Files.readAllBytes(stateDir().resolve(name));
  }

  @Override
  public void deleteState(String name) throws IOException {
    Files.deleteIfExists(stateDir().resolve(name));
  }

  @Override
  public ChunkStore chunks() {
    return new VolumeChunks(root);
  }

  /** Runner state lives in a dot-folder, which is never taken for a backup. */
  private Path stateDir() {
    return root.resolve(".state");
  }
}
