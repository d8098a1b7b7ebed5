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
 * decoded: the count costs a scan for newlines.
 */
public final class DumpScanner {
  public static final int MAX_LINE = 1 << 20;
  private static final String HEADER_PREFIX = "-- Database \"";
  private static final String HEADER_SUFFIX = "\" dump";
  private static final String SCRIPT_START = "-- PostgreSQL database dump";
  private static final String SCRIPT_END = "-- PostgreSQL database dump complete";
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
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lineTooLong;

  /** A {@code --} line outside any script, held until the next line says whose it is. */
  private byte[] pendingDashes;

  /** Before the first section: the globals. */
  private boolean inSection;

  /** In the globals: inside a quoted literal or identifier that spans lines (a role comment). */
  private boolean inGlobalsString;

  private boolean inGlobalsIdentifier;
  private boolean inScript;
  private String restrictKey;
  private boolean inCopyData;

  public DumpScanner(Listener listener) {
    this.listener = listener;
  }

  public void update(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        take(b, start, i + 1 - start, true);
        start = i + 1;
      }
    }
    if (start < end) {
      take(b, start, end - start, false);
    }
  }

  /** Passes on what is held: a last line without newline, a held "--". */
  public void finish() throws IOException {
    flushPending();
    if (lineLength > 0) {
      if (inCopyData && !lineTooLong && !isCopyEnd(line, 0, lineLength)) {
        listener.copyRow();
      }
      listener.bytes(line, 0, lineLength);
      lineLength = 0;
    }
  }

  private void take(byte[] b, int off, int len, boolean endsLine) throws IOException {
    if (lineTooLong) {
      // The rest of a line too long to be a marker: content of whatever it is in.
      listener.bytes(b, off, len);
      lineTooLong = !endsLine;
      return;
    }
    if (inCopyData && endsLine && lineLength == 0) {
      // The common case, a whole row in the buffer: counted, not copied or decoded.
      if (isCopyEnd(b, off, len)) {
        inCopyData = false;
      } else {
        listener.copyRow();
      }
      listener.bytes(b, off, len);
      return;
    }
    append(b, off, len);
    if (endsLine) {
      int n = lineLength;
      lineLength = 0;
      onLine(line, n);
    } else if (lineLength > MAX_LINE) {
      flushPending();
      if (inCopyData) {
        listener.copyRow();
      }
      listener.bytes(line, 0, lineLength);
      lineLength = 0;
      lineTooLong = true;
    }
  }

  private void append(byte[] b, int off, int len) {
    if (lineLength + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
    }
    System.arraycopy(b, off, line, lineLength, len);
    lineLength += len;
  }

  private static boolean isCopyEnd(byte[] b, int off, int len) {
    int n = len;
    while (n > 0 && (b[off + n - 1] == '\n' || b[off + n - 1] == '\r')) {
      n--;
    }
    return n == 2 && b[off] == '\\' && b[off + 1] == '.';
  }

  private void onLine(byte[] bytes, int len) throws IOException {
    if (inCopyData) {
      if (isCopyEnd(bytes, 0, len)) {
        inCopyData = false;
      } else {
        listener.copyRow();
      }
      listener.bytes(bytes, 0, len);
      return;
    }
    String text = new String(bytes, 0, len, StandardCharsets.UTF_8).stripTrailing();
    if (inScript) {
      listener.bytes(bytes, 0, len);
      script(text);
      return;
    }
    if (!inSection && (inGlobalsString || inGlobalsIdentifier)) {
      listener.bytes(bytes, 0, len);
      globalsQuotes(text);
      return;
    }
    if (pendingDashes != null) {
      String name = headerName(text);
      if (name != null) {
        // A new section: its first "--" line was held for it.
        inSection = true;
        listener.sectionStart(name);
        flushPending();
        listener.bytes(bytes, 0, len);
        return;
      }
      if (text.equals(CLUSTER_END)) {
        listener.clusterEnd();
      }
      flushPending();
    }
    if (text.equals("--")) {
      pendingDashes = Arrays.copyOf(bytes, len);
      return;
    }
    listener.bytes(bytes, 0, len);
    if (!inSection && !text.startsWith("--")) {
      globalsQuotes(text);
      if (!text.isEmpty()) {
        listener.statement(text, true);
      }
    }
    if (inSection && text.equals(SCRIPT_START)) {
      inScript = true;
      restrictKey = null;
      inCopyData = false;
    } else if (text.startsWith("\\restrict ")) {
      // pg_dumpall's own globals are restricted too (role comments are free text).
      inScript = true;
      restrictKey = text.substring("\\restrict ".length()).strip();
    }
  }

  /**
   * A line of a pg_dump script (already passed on), outside COPY data: does the script end here?
   */
  private void script(String text) {
    if (restrictKey != null && text.equals("\\unrestrict " + restrictKey)) {
      inScript = false;
      return;
    }
    if (restrictKey == null && text.startsWith("\\restrict ")) {
      restrictKey = text.substring("\\restrict ".length()).strip();
      return;
    }
    if (restrictKey == null && text.equals(SCRIPT_END)) {
      inScript = false;
      return;
    }
    if (text.startsWith("COPY ") && text.endsWith(" FROM stdin;")) {
      inCopyData = true;
      listener.copyStart(copyTarget(text));
      return;
    }
    if (!text.isEmpty() && !text.startsWith("--")) {
      listener.statement(text, !inSection);
    }
  }

  /**
   * The table of {@code COPY <table> [(<columns>)] FROM stdin;} as written: a qualified name of
   * plain or double-quoted identifiers (a quoted one may hold spaces, dots and doubled quotes).
   */
  static String copyTarget(String text) {
    String rest = text.substring("COPY ".length());
    int end = identifierEnd(rest, 0);
    while (end < rest.length() && rest.charAt(end) == '.') {
      end = identifierEnd(rest, end + 1);
    }
    return rest.substring(0, end);
  }

  /** Where the identifier at {@code from} ends (plain, or quoted with doubled quotes inside). */
  public static int identifierEnd(String s, int from) {
    int i = from;
    if (i < s.length() && s.charAt(i) == '"') {
      i++;
      while (i < s.length()) {
        if (s.charAt(i) == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            i += 2;
            continue;
          }
          return i + 1;
        }
        i++;
      }
      return i;
    }
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == '.' || ch == ' ' || ch == '(' || ch == ';') {
        return i;
      }
      i++;
    }
    return i;
  }

  /** An identifier as PostgreSQL stores it: a quoted one unquoted, a plain one as written. */
  public static String unquote(String identifier) {
    if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    return identifier;
  }

  /**
   * Follows quoting through a line of pg_dumpall's globals: literals in single quotes (doubled
   * inside; pg_dumpall writes standard-conforming strings) and identifiers in double quotes, so a
   * role comment that spans lines is content, not markers. For scripts without restrict keys.
   */
  private void globalsQuotes(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\'' && !inGlobalsIdentifier) {
        inGlobalsString = !inGlobalsString;
      } else if (ch == '"' && !inGlobalsString) {
        inGlobalsIdentifier = !inGlobalsIdentifier;
      } else if (ch == '-'
          && !inGlobalsString
          && !inGlobalsIdentifier
          && i + 1 < text.length()
          && text.charAt(i + 1) == '-') {
        return; // a comment to the end of the line
      }
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
