package io.dbbackup.runner.pipeline;

/**
 * Where a pg_dump script starts and ends, fed the lines outside COPY data (trailing whitespace
 * removed): a script of PostgreSQL 17.6, 16.10, 15.14 (and later) runs from <code>&#92;restrict
 * &lt;key&gt;</code> to <code>&#92;unrestrict &lt;key&gt;</code> with the same key (pg_dumpall
 * restricts its globals too); an older one from {@code -- PostgreSQL database dump} to {@code --
 * PostgreSQL database dump complete}.
 */
final class ScriptBoundary {
  private static final String RESTRICT = "\\restrict ";
  private static final String UNRESTRICT = "\\unrestrict ";
  private static final String SCRIPT_START = "-- PostgreSQL database dump";
  private static final String SCRIPT_END = "-- PostgreSQL database dump complete";

  private boolean inScript;
  private String restrictKey;

  /** Whether the lines are inside a script. */
  boolean inScript() {
    return inScript;
  }

  /**
   * A line outside any script; {@code inSection}: in a database's section, where an older script
   * starts with its comment. Does a script start here?
   */
  void outside(String text, boolean inSection) {
    if (inSection && text.equals(SCRIPT_START)) {
      inScript = true;
      restrictKey = null;
    } else if (text.startsWith(RESTRICT)) {
      inScript = true;
      restrictKey = text.substring(RESTRICT.length()).strip();
    }
  }

  /**
   * A line of the script: whether it is one of the script's boundary lines (its end, or the
   * restrict key of a script that started at its comment) rather than its content.
   */
  boolean isBoundary(String text) {
    if (restrictKey != null && text.equals(UNRESTRICT + restrictKey)) {
      inScript = false;
      return true;
    }
    if (restrictKey == null && text.startsWith(RESTRICT)) {
      restrictKey = text.substring(RESTRICT.length()).strip();
      return true;
    }
    if (restrictKey == null && text.equals(SCRIPT_END)) {
      inScript = false;
      return true;
    }
    return false;
  }
}
