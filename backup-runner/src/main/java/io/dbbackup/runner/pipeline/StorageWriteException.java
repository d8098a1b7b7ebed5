package io.dbbackup.runner.pipeline;

import java.io.IOException;

/** An I/O error on the storage side of the pipeline, as opposed to the dump side. */
public final class StorageWriteException extends IOException {
  public StorageWriteException(IOException cause) {
    super(cause.getMessage(), cause);
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}
