package io.dbbackup.runner.pipeline;

import java.nio.charset.StandardCharsets;

/**
 * Remembers the last bytes of a dump to check pg_dumpall's completion trailer, which it writes only
 * after every database was dumped: {@code -- PostgreSQL database cluster dump complete}.
 */
public final class DumpTrailer {
  public static final String CLUSTER_DUMP_COMPLETE = "PostgreSQL database cluster dump complete";
  private static final int KEEP = 1024;

  private final byte[] tail = new byte[KEEP];
  private int length;

  public void update(byte[] b, int off, int len) {
    if (len >= KEEP) {
      System.arraycopy(b, off + len - KEEP, tail, 0, KEEP);
      length = KEEP;
      return;
    }
    int keepOld = Math.min(length, KEEP - len);
    System.arraycopy(tail, length - keepOld, tail, 0, keepOld);
    System.arraycopy(b, off, tail, keepOld, len);
    length = keepOld + len;
  }

  /** True when the dump ends with the completion trailer (followed only by blank lines). */
  public boolean isComplete() {
    String end = new String(tail, 0, length, StandardCharsets.UTF_8).stripTrailing();
    int at = end.lastIndexOf(CLUSTER_DUMP_COMPLETE);
    if (at < 0) {
      return false;
    }
    String after = end.substring(at + CLUSTER_DUMP_COMPLETE.length()).strip();
    return after.isEmpty() || after.equals("--");
  }
}
