package io.dbbackup.runner.restore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Passes on only the selected databases of a pg_dumpall script (spec.databases of a
 * DatabaseRestore): the globals (roles, tablespaces, role settings) and the selected databases'
 * sections, in one streaming pass, byte for byte.
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
 * markers and pass in pieces.
 */
final class DatabaseSelection extends OutputStream {
  static final int MAX_LINE = 1 << 20;
  private static final String HEADER_PREFIX = "-- Database \"";
  private static final String HEADER_SUFFIX = "\" dump";
  private static final String SCRIPT_START = "-- PostgreSQL database dump";
  private static final String SCRIPT_END = "-- PostgreSQL database dump complete";
  private static final String CLUSTER_END = "-- PostgreSQL database cluster dump complete";

  private final OutputStream out;
  private final Set<String> selected;
  private final Set<String> seen = new LinkedHashSet<>();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean lineTooLong;

  /** A {@code --} line outside any script, held until the next line says whose it is. */
  private byte[] pendingDashes;

  /** Before the first section: the globals, always passed on. */
  private boolean inSection;

  private boolean keep = true;

  /** In the globals: inside a quoted literal or identifier that spans lines (a role comment). */
  private boolean inGlobalsString;

  private boolean inGlobalsIdentifier;
  private boolean inScript;
  private String restrictKey;
  private boolean inCopyData;

  DatabaseSelection(OutputStream out, Set<String> selected) {
    this.out = out;
    this.selected = Set.copyOf(selected);
  }

  /** The databases whose sections went by, in order: kept or not. */
  Set<String> seen() {
    return seen;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
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

  private void take(byte[] b, int off, int len, boolean endsLine) throws IOException {
    if (lineTooLong) {
      // The rest of a line too long to be a marker: content of whatever it is in.
      if (keep) {
        out.write(b, off, len);
      }
      lineTooLong = !endsLine;
      return;
    }
    line.write(b, off, len);
    if (endsLine) {
      byte[] bytes = line.toByteArray();
      line.reset();
      onLine(bytes);
    } else if (line.size() > MAX_LINE) {
      flushPending();
      if (keep) {
        line.writeTo(out);
      }
      line.reset();
      lineTooLong = true;
    }
  }

  private void onLine(byte[] bytes) throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
    if (inScript) {
      emit(bytes);
      script(text);
      return;
    }
    if (!inSection && (inGlobalsString || inGlobalsIdentifier)) {
      emit(bytes);
      globalsQuotes(text);
      return;
    }
    if (pendingDashes != null) {
      String name = headerName(text);
      if (name != null) {
        // A new section: its first "--" line was held for it.
        inSection = true;
        seen.add(name);
        keep = selected.contains(name);
        byte[] dashes = pendingDashes;
        pendingDashes = null;
        emit(dashes);
        emit(bytes);
        return;
      }
      if (text.equals(CLUSTER_END)) {
        keep = true; // the cluster's trailer, as pg_dumpall ends every script
      }
      flushPending();
    }
    if (text.equals("--")) {
      pendingDashes = bytes;
      return;
    }
    emit(bytes);
    if (!inSection && !text.startsWith("--")) {
      globalsQuotes(text);
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

  /** A line of a pg_dump script (already passed on or not): does the script end here? */
  private void script(String text) {
    if (restrictKey != null) {
      if (text.equals("\\unrestrict " + restrictKey)) {
        inScript = false;
      }
      return;
    }
    if (inCopyData) {
      inCopyData = !text.equals("\\.");
      return;
    }
    if (text.startsWith("\\restrict ")) {
      restrictKey = text.substring("\\restrict ".length()).strip();
    } else if (text.startsWith("COPY ") && text.endsWith(" FROM stdin;")) {
      inCopyData = true;
    } else if (text.equals(SCRIPT_END)) {
      inScript = false;
    }
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
      emit(dashes);
    }
  }

  private void emit(byte[] bytes) throws IOException {
    if (keep) {
      out.write(bytes);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Passes on what is held (a last line without newline, a held "--"), then closes. */
  @Override
  public void close() throws IOException {
    try {
      flushPending();
      if (line.size() > 0) {
        emit(line.toByteArray());
        line.reset();
      }
    } finally {
      out.close();
    }
  }
}
