package io.dbbackup.api.validation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A CRD {@code pattern} as the API server evaluates it: the translation of its RE2 expression to a
 * Java one, compiled once per expression.
 */
final class Re2Pattern {
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

  private Re2Pattern() {}

  /** Whether {@code re2} finds a match in {@code text}, as the API server would. */
  static boolean finds(String re2, String text) {
    return COMPILED.computeIfAbsent(re2, Re2Pattern::compile).matcher(text).find();
  }

  /**
   * The API server's regular expressions are RE2's, where {@code $} ends the text; Java's {@code $}
   * also matches before a final line break, so it becomes {@code \z} (outside a class).
   */
  static Pattern compile(String re2) {
    StringBuilder java = new StringBuilder(re2.length() + 4);
    boolean inClass = false;
    for (int i = 0; i < re2.length(); i++) {
      char c = re2.charAt(i);
      if (c == '\\' && i + 1 < re2.length()) {
        java.append(c).append(re2.charAt(++i));
      } else if (c == '[' && !inClass) {
        inClass = true;
        java.append(c);
      } else if (c == ']' && inClass) {
        inClass = false;
        java.append(c);
      } else if (c == '$' && !inClass) {
        java.append("\\z");
      } else {
        java.append(c);
      }
    }
    return Pattern.compile(java.toString());
  }
}
