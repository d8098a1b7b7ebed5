package io.dbbackup.runner.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.api.validation.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts violations in the order their fields appear in the file (a field the file lacks sits where
 * its nearest written parent does), so the message reads top to bottom.
 */
final class ViolationOrder {
  private ViolationOrder() {}

  /** {@code violations} sorted by where their fields sit in {@code tree}. */
  static List<Violation> inDocumentOrder(JsonNode tree, List<Violation> violations) {
    Map<String, Integer> position = new HashMap<>();
    index(tree, "", position);
    List<Violation> sorted = new ArrayList<>(violations);
    sorted.sort(Comparator.comparingInt(v -> positionOf(v.field(), position)));
    return sorted;
  }

  private static void index(JsonNode node, String path, Map<String, Integer> position) {
    position.putIfAbsent(path, position.size());
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(k -> index(node.get(k), path.isEmpty() ? k : path + "." + k, position));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        index(node.get(i), path + "[" + i + "]", position);
      }
    }
  }

  private static int positionOf(String field, Map<String, Integer> position) {
    String f = field;
    while (!f.isEmpty()) {
      Integer at = position.get(f);
      if (at != null) {
        return at;
      }
      int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
      f = cut < 0 ? "" : f.substring(0, cut);
    }
    return 0;
  }
}
