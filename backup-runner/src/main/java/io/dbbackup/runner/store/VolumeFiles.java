package io.dbbackup.runner.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file-system steps every write to a {@link VolumeStore} takes: folders made with mode 0700,
 * new files opened create-only with mode 0600 and fsynced, and the fsync of a folder that makes a
 * rename or unlink in it durable.
 */
final class VolumeFiles {
  /** What a file is called until it is complete. */
  static final String PARTIAL = ".partial";

  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private VolumeFiles() {}

  /** Opens {@code file} for writing, create-only, with mode 0600. */
  static FileChannel createNew(Path file) throws IOException {
    return FileChannel.open(
        file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE);
  }

  /** Writes {@code len} bytes of {@code content} as the new file {@code file} (0600), fsynced. */
  static void writeNew(Path file, byte[] content, int len) throws IOException {
    try (FileChannel ch = createNew(file)) {
      ByteBuffer b = ByteBuffer.wrap(content, 0, len);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /** Makes {@code dir} and its missing parents, each with mode 0700. */
  static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, DIR_MODE);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Makes a rename or unlink in {@code dir} durable. */
  static void fsync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      // gone already: nothing to make durable
    }
  }
}
