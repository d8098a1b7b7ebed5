package io.dbbackup.runner.pipeline;

/**
 * SQL identifiers as a dump script writes them: plain, or in double quotes (which may hold spaces,
 * dots and doubled quotes), and qualified names made of them.
 */
final class SqlIdentifiers {
  private SqlIdentifiers() {}

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
  static int identifierEnd(String s, int from) {
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
  static String unquote(String identifier) {
    if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    return identifier;
  }
}
