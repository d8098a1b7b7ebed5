package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory (in the cluster, a mounted PVC). Files are written as {@code <name>.partial} with
 * mode 0600, fsynced, then atomically renamed; folders are 0700.
 */
public final class VolumeStore implements BackupStore {
  static final String PARTIAL = ".partial";
  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

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
          throw new java.nio.file.NotDirectoryException(p.toString());
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
    Path partial = dir.resolve(fileName + PARTIAL);
    FileChannel channel =
        FileChannel.open(
            partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE);
    return new FileWriter(channel, partial, target);
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
    try (FileChannel ch =
        FileChannel.open(
            partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE)) {
      ch.write(java.nio.ByteBuffer.wrap(content));
      ch.force(true);
    }
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
    return new VolumeChunks();
  }

  /**
   * {@code <root>/chunks/<2 hex>/<name>}: written to a temporary file (0600), fsynced, then hard
   * linked to its name, which fails when the name exists (create-only, atomic); file systems
   * without hard links fall back to a rename that refuses an existing target.
   */
  private final class VolumeChunks implements ChunkStore {
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
      createDirectories(dir);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Path temp =
          dir.resolve(
              target.getFileName()
                  + "."
                  + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())
                  + PARTIAL);
      try {
        try (FileChannel ch =
            FileChannel.open(
                temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE)) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content, 0, len);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        boolean created;
        try {
          Files.createLink(target, temp);
          created = true;
        } catch (FileAlreadyExistsException e) {
          created = false;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
          if (e instanceof java.nio.file.FileSystemException fse
              && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            created = false;
          } else {
            try {
              Files.move(temp, target);
              created = true;
            } catch (FileAlreadyExistsException exists) {
              created = false;
            }
          }
        }
        fsync(dir);
        return created;
      } finally {
        Files.deleteIfExists(temp);
      }
    }

    @Override
    public InputStream open(String file) throws IOException {
      return Files.newInputStream(path(file), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void list(java.util.function.Consumer<StoredChunk> each) throws IOException {
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
        fsync(p.getParent());
      }
    }
  }

  /** Runner state lives in a dot-folder, which is never taken for a backup. */
  private Path stateDir() {
    return root.resolve(".state");
  }

  private static void createDirectories(Path dir) throws IOException {
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

  private static final class FileWriter implements StoreWriter {
    private final FileChannel channel;
    private final OutputStream stream;
    private final Path partial;
    private final Path target;
    private boolean done;

    FileWriter(FileChannel channel, Path partial, Path target) {
      this.channel = channel;
      this.stream = Channels.newOutputStream(channel);
      this.partial = partial;
      this.target = target;
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public void commit() throws IOException {
      if (done) {
        return;
      }
      try {
        channel.force(true);
        channel.close();
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(target.getParent());
        done = true;
      } finally {
        if (!done) {
          abort();
        }
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a file we are about to delete
      }
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // a leftover .partial is removed as abandoned by a later good run
      }
    }
  }
}
