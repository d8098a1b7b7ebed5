package io.dbbackup.api.validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a schema check puts what it finds: the violations whose value is {@code removed} from the
 * cleaned document (and the fields they name), and those whose value is {@code kept} in it. Owns
 * how a schema path is named in a violation (the root is {@code (document)}).
 */
record SchemaFindings(List<Violation> removed, Set<String> removedFields, List<Violation> kept) {
  SchemaFindings() {
    this(new ArrayList<>(), new LinkedHashSet<>(), new ArrayList<>());
  }

  void remove(String path, String message) {
    removed.add(new Violation(field(path), message));
    removedFields.add(field(path));
  }

  void keep(String path, String message) {
    kept.add(new Violation(field(path), message));
  }

  boolean isEmpty() {
    return removed.isEmpty() && kept.isEmpty();
  }

  private static String field(String path) {
    return path.isEmpty() ? "(document)" : path;
  }
}
