package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bottom of the pipeline: tags the store's write errors as {@link StorageWriteException}, and
 * does not close the store's stream (committing it is the store writer's job).
 */
final class StorageSideStream extends OutputStream {
  private final OutputStream out;

  StorageSideStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw new StorageWriteException(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw new StorageWriteException(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw new StorageWriteException(e);
    }
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
