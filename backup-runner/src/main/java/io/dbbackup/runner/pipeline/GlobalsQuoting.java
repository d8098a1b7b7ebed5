package io.dbbackup.runner.pipeline;

/**
 * Follows quoting through the lines of pg_dumpall's globals: literals in single quotes (doubled
 * inside; pg_dumpall writes standard-conforming strings) and identifiers in double quotes, so a
 * role comment that spans lines is content, not markers. For scripts without restrict keys.
 */
final class GlobalsQuoting {
  private boolean inString;
  private boolean inIdentifier;

  /** Whether the last line ended inside a quoted literal or identifier. */
  boolean open() {
    return inString || inIdentifier;
  }

  /** Follows the quotes of one line (trailing whitespace removed). */
  void follow(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\'' && !inIdentifier) {
        inString = !inString;
      } else if (ch == '"' && !inString) {
        inIdentifier = !inIdentifier;
      } else if (ch == '-'
          && !inString
          && !inIdentifier
          && i + 1 < text.length()
          && text.charAt(i + 1) == '-') {
        return; // a comment to the end of the line
      }
    }
  }
}
