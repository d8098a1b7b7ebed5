package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The chunks of a {@link VolumeStore}, {@code <root>/chunks/<2 hex>/<name>}: written to a temporary
 * file (0600), fsynced, then hard linked to its name, which fails when the name exists
 * (create-only, atomic); file systems without hard links fall back to a rename that refuses an
 * existing target.
 */
final class VolumeChunks implements ChunkStore {
  private final Path root;

  /** The chunks under {@code root}, the resource's folder. */
  VolumeChunks(Path root) {
    this.root = root;
  }

  private Path path(String file) {
    return root.resolve(ChunkStore.checkFile(file));
  }

  @Override
  public OptionalLong size(String file) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(path(file), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? OptionalLong.of(a.size()) : OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public boolean put(String file, byte[] content, int len) throws IOException {
    Path target = path(file);
    Path dir = target.getParent();
    VolumeFiles.createDirectories(dir);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Path temp =
        dir.resolve(
            target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + VolumeFiles.PARTIAL);
    try {
      VolumeFiles.writeNew(temp, content, len);
      boolean created = publish(temp, target);
      VolumeFiles.fsync(dir);
      return created;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Gives the complete {@code temp} the name {@code target}, create-only: a hard link, else (no
   * hard links on this file system) a rename that refuses an existing target. Whether it did.
   */
  private static boolean publish(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof FileSystemException && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      try {
        Files.move(temp, target);
        return true;
      } catch (FileAlreadyExistsException exists) {
        return false;
      }
    }
  }

  @Override
  public InputStream open(String file) throws IOException {
    return Files.newInputStream(path(file), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void list(Consumer<StoredChunk> each) throws IOException {
    Path top = root.resolve(FOLDER);
    if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(top, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      for (Path dir : dirs) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path f : files) {
            String name = FOLDER + "/" + dir.getFileName() + "/" + f.getFileName();
            if (FILE.matcher(name).matches()) {
              BasicFileAttributes a =
                  Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
              if (a.isRegularFile()) {
                each.accept(new StoredChunk(name, a.size()));
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void delete(String file) throws IOException {
    Path p = path(file);
    if (Files.deleteIfExists(p)) {
      VolumeFiles.fsync(p.getParent());
    }
  }
}
