package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A {@link VolumeStore} file being written: the bytes go to {@code <name>.partial}, which a commit
 * fsyncs and atomically renames to its name (then fsyncs the folder) and an abort deletes.
 */
final class PartialFileWriter implements StoreWriter {
  private final FileChannel channel;
  private final OutputStream stream;
  private final Path partial;
  private final Path target;
  private boolean done;

  /**
   * Opens {@code partial} (create-only, mode 0600) for a file to be committed as {@code target}.
   */
  PartialFileWriter(Path partial, Path target) throws IOException {
    this.channel = VolumeFiles.createNew(partial);
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
      VolumeFiles.fsync(target.getParent());
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
