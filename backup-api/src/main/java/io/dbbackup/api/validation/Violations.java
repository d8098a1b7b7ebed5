package io.dbbackup.api.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Joining the schema's violations with the hand-written checks'. */
public final class Violations {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Violations() {}

  /**
   * The CRD schema's violations of a bound resource (its {@code status} left out: the API server
   * ignores a status sent with the resource).
   */
  static List<Violation> schema(String crd, Object resource) {
    ObjectNode tree = JSON.valueToTree(resource);
    tree.remove("status");
    return CrdSchema.of(crd).validate(tree);
  }

  /**
   * {@code schema} then {@code checks}, each once; a schema violation of a field that a check
   * already speaks of is left out (the check's message says more).
   */
  static List<Violation> merge(List<Violation> schema, List<Violation> checks) {
    Set<String> checked = new LinkedHashSet<>();
    checks.forEach(v -> checked.add(v.field()));
    Set<Violation> out = new LinkedHashSet<>();
    for (Violation v : schema) {
      if (!checked.contains(v.field())) {
        out.add(v);
      }
    }
    out.addAll(checks);
    return List.copyOf(out);
  }

  /**
   * Whether {@code field} is one of {@code fields}, inside one, or holds one: a check of the bound
   * resource that sees a value the schema pass removed speaks of a consequence ("must be set"), not
   * of what the user wrote.
   */
  public static boolean related(String field, Collection<String> fields) {
    for (String f : fields) {
      if (field.equals(f) || within(field, f) || within(f, field)) {
        return true;
      }
    }
    return false;
  }

  private static boolean within(String inner, String outer) {
    return inner.startsWith(outer)
        && inner.length() > outer.length()
        && (inner.charAt(outer.length()) == '.' || inner.charAt(outer.length()) == '[');
  }

  /**
   * What the runner reports for a file: the violations whose value was removed before binding
   * ({@code removed}, at {@code removedFields}) as the user wrote them, then the bound resource's
   * violations that are not a consequence of a removal, then the rest of the raw document's ({@code
   * kept}) that the bound resource's do not already name.
   */
  public static List<Violation> forFile(
      List<Violation> removed,
      Collection<String> removedFields,
      List<Violation> kept,
      List<Violation> bound) {
    Set<Violation> out = new LinkedHashSet<>(removed);
    Set<String> boundFields = new LinkedHashSet<>();
    for (Violation v : bound) {
      if (!related(v.field(), removedFields)) {
        out.add(v);
        boundFields.add(v.field());
      }
    }
    for (Violation v : kept) {
      if (!boundFields.contains(v.field())) {
        out.add(v);
      }
    }
    return new ArrayList<>(out);
  }
}
