package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.OutputStream;

/** A file being written: nothing is visible under its name until {@link #commit()}. */
public interface StoreWriter extends AutoCloseable {
  OutputStream stream();

  /** Makes the file durable and visible under its final name. */
  void commit() throws IOException;

  /** Discards what was written; safe to call after a failure, and after commit (no-op). */
  void abort();

  @Override
  default void close() {
    abort();
  }
}
