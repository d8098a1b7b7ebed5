package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Follows the structure of a pg_dumpall script as its bytes go by, in one streaming pass, and tells
 * a {@link Listener}: where each database's section starts, the statements of the globals and of
 * each pg_dump script, and the COPY data (one call per row). The one parser of dump structure:
 * restore's database selection and the dump pass's content count both use it.
 *
 * <p>pg_dumpall writes each database as a section that starts with its own three comment lines
 * {@code --}, {@code -- Database "<name>" dump}, {@code --} and holds one pg_dump script. Such
 * lines count only where pg_dumpall writes them, never inside a pg_dump script, whose data could
 * hold the same text:
 *
 * <ul>
 *   <li>a pg_dump script of PostgreSQL 17.6, 16.10, 15.14 (and later) runs from <code>&#92;restrict
 *       &lt;key&gt;</code> to <code>&#92;unrestrict &lt;key&gt;</code>, with a random key no
 *       content can guess;
 *   <li>an older one ends at the comment {@code -- PostgreSQL database dump complete}, outside COPY
 *       data (from {@code COPY ... FROM stdin;} to {@code \.}, where a newline in a value is always
 *       escaped, so every data line is one row).
 * </ul>
 *
 * The globals of such a script are restricted too; in an older one, quoting is followed through the
 * globals, where a role's comment may span lines. Lines longer than {@link #MAX_LINE} are never
 * markers and pass in pieces (in COPY data, such a line is one row). COPY data lines are not
 * decoded: the count costs a scan for newlines. Where a script starts and ends is {@link
 * ScriptBoundary}'s, the quoting through the globals {@link GlobalsQuoting}'s.
 */
public final class DumpScanner {
  public static final int MAX_LINE = LineSplitter.MAX_LINE;
  private static final String HEADER_PREFIX = "-- Database \"";
  private static final String HEADER_SUFFIX = "\" dump";
  private static final String CLUSTER_END = "-- PostgreSQL database cluster dump complete";

  /** What the scanner finds; every byte is passed to {@link #bytes}, in order. */
  public interface Listener {
    /** The script's bytes, in order: whole lines, or pieces of a line too long to be a marker. */
    default void bytes(byte[] b, int off, int len) throws IOException {}

    /** A database's section starts; called before its first line is passed to {@link #bytes}. */
    default void sectionStart(String database) {}

    /** The cluster's trailer follows; called before its first line is passed to {@link #bytes}. */
    default void clusterEnd() {}

    /**
     * A line of SQL (not COPY data, not a {@code --} comment line), trailing whitespace removed;
     * {@code globals}: before the first database's section.
     */
    default void statement(String line, boolean globals) {}

    /** {@code COPY <table> ... FROM stdin;}: {@code table} as the script names it. */
    default void copyStart(String table) {}

    /** One row of COPY data. */
    default void copyRow() {}
  }

  private final Listener listener;
  private final LineSplitter lines =
      new LineSplitter(
          new LineSplitter.Lines() {
            @Override
            public void line(byte[] b, int off, int len) throws IOException {
              onLine(b, off, len);
            }

            @Override
            public void longLinePiece(byte[] b, int off, int len, boolean first)
                throws IOException {
              onLongLinePiece(b, off, len, first);
            }

            @Override
            public void lastLine(byte[] b, int off, int len) throws IOException {
              onLastLine(b, off, len);
            }
          });

  /** A {@code --} line outside any script, held until the next line says whose it is. */
  private byte[] pendingDashes;

  /** Before the first section: the globals. */
  private boolean inSection;

  /** In the globals: the quoting, for a literal or identifier that spans lines (a role comment). */
  private final GlobalsQuoting globalsQuoting = new GlobalsQuoting();

  private final ScriptBoundary script = new ScriptBoundary();
  private boolean inCopyData;

  public DumpScanner(Listener listener) {
    this.listener = listener;
  }

  public void update(byte[] b, int off, int len) throws IOException {
    lines.update(b, off, len);
  }

  /** Passes on what is held: a held "--", a last line without newline. */
  public void finish() throws IOException {
    flushPending();
    lines.finish();
  }

  /** The script's last line, without newline: passed on, counted as a row in COPY data. */
  private void onLastLine(byte[] b, int off, int len) throws IOException {
    if (inCopyData && !isCopyEnd(b, off, len)) {
      listener.copyRow();
    }
    listener.bytes(b, off, len);
  }

  /** A line too long to be a marker: content of whatever it is in (in COPY data, one row). */
  private void onLongLinePiece(byte[] b, int off, int len, boolean first) throws IOException {
    if (first) {
      flushPending();
      if (inCopyData) {
        listener.copyRow();
      }
    }
    listener.bytes(b, off, len);
  }

  /** A whole line of COPY data: one row, or the {@code \.} that ends the data. */
  private void copyDataLine(byte[] b, int off, int len) throws IOException {
    if (isCopyEnd(b, off, len)) {
      inCopyData = false;
    } else {
      listener.copyRow();
    }
    listener.bytes(b, off, len);
  }

  private static boolean isCopyEnd(byte[] b, int off, int len) {
    int n = len;
    while (n > 0 && (b[off + n - 1] == '\n' || b[off + n - 1] == '\r')) {
      n--;
    }
    return n == 2 && b[off] == '\\' && b[off + 1] == '.';
  }

  private void onLine(byte[] bytes, int off, int len) throws IOException {
    if (inCopyData) {
      // The common case, a row: counted, not decoded.
      copyDataLine(bytes, off, len);
      return;
    }
    String text = new String(bytes, off, len, StandardCharsets.UTF_8).stripTrailing();
    if (script.inScript()) {
      listener.bytes(bytes, off, len);
      scriptLine(text);
      return;
    }
    if (!inSection && globalsQuoting.open()) {
      listener.bytes(bytes, off, len);
      globalsQuoting.follow(text);
      return;
    }
    if (pendingDashes != null) {
      String name = headerName(text);
      if (name != null) {
        // A new section: its first "--" line was held for it.
        inSection = true;
        listener.sectionStart(name);
        flushPending();
        listener.bytes(bytes, off, len);
        return;
      }
      if (text.equals(CLUSTER_END)) {
        listener.clusterEnd();
      }
      flushPending();
    }
    if (text.equals("--")) {
      pendingDashes = Arrays.copyOfRange(bytes, off, off + len);
      return;
    }
    listener.bytes(bytes, off, len);
    if (!inSection && !text.startsWith("--")) {
      globalsQuoting.follow(text);
      if (!text.isEmpty()) {
        listener.statement(text, true);
      }
    }
    // pg_dumpall's own globals are restricted too (role comments are free text).
    script.outside(text, inSection);
  }

  /**
   * A line of a pg_dump script (already passed on), outside COPY data: a boundary, the start of
   * COPY data or a statement.
   */
  private void scriptLine(String text) {
    if (script.isBoundary(text)) {
      return;
    }
    if (text.startsWith("COPY ") && text.endsWith(" FROM stdin;")) {
      inCopyData = true;
      listener.copyStart(SqlIdentifiers.copyTarget(text));
      return;
    }
    if (!text.isEmpty() && !text.startsWith("--")) {
      listener.statement(text, !inSection);
    }
  }

  private static String headerName(String text) {
    if (text.startsWith(HEADER_PREFIX) && text.endsWith(HEADER_SUFFIX)) {
      return text.substring(HEADER_PREFIX.length(), text.length() - HEADER_SUFFIX.length());
    }
    return null;
  }

  private void flushPending() throws IOException {
    if (pendingDashes != null) {
      byte[] dashes = pendingDashes;
      pendingDashes = null;
      listener.bytes(dashes, 0, dashes.length);
    }
  }
}
