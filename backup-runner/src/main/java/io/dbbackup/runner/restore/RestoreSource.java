package io.dbbackup.runner.restore;

import io.dbbackup.api.hash.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The dump a restore reads twice: once in full to verify it, before the target is touched, and then
 * again into psql, checked again as it goes. A full backup's is one stored file ({@link
 * StoredDump}), an incremental backup's its chunks ({@link ChunkedDump}).
 */
interface RestoreSource {
  /**
   * What can be refused before the dump is read and before the target is changed in any way: the
   * target's version, the key.
   */
  void check(RestoreTarget target);

  /**
   * Reads the whole dump once and checks it end to end, passing the plain dump to {@code plain}.
   *
   * @throws io.dbbackup.runner.error.RunnerException when it is not the backup its manifest
   *     describes
   */
  void verify(OutputStream plain);

  /** The plain dump again, for psql; opened after {@link #verify}. */
  Replay replay() throws IOException;

  /** Adds what the restore's summary says of this source. */
  LoggingEventBuilder describe(LoggingEventBuilder event);

  /** The second read of the dump. */
  interface Replay extends Closeable {
    InputStream plain();

    /** Once the plain dump is read: why it is not the one verified, or null when it is. */
    String changed() throws IOException;
  }

  static MessageDigest sha256() {
    return Sha256.newDigest();
  }
}
