package io.dbbackup.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The structural part of a generated CRD's {@code openAPIV3Schema}, evaluated here: the runner and
 * the controller refuse exactly what the API server refuses, from the one source both are built
 * from (the model's annotations, through the generated CRD on the classpath), never from a copy of
 * its bounds.
 *
 * <p>The subset the CRDs use: {@code type}, {@code properties} (a field the schema does not name is
 * refused), {@code additionalProperties}, {@code items}, {@code required}, {@code minimum}/{@code
 * maximum}, {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems}, {@code
 * pattern}, {@code enum}, {@code anyOf} and {@code x-kubernetes-int-or-string}. A {@code null}
 * value counts as absent (the API server prunes it). The CEL rules ({@code
 * x-kubernetes-validations}) are checked by the hand-written validators; {@link #celRules} lists
 * them so a test holds the two together.
 */
public final class CrdSchema {
  /** The generated CRD of DatabaseBackup. */
  public static final String BACKUPS = "META-INF/fabric8/databasebackups.dbbackup.io-v1.yml";

  /** The generated CRD of DatabaseRestore. */
  public static final String RESTORES = "META-INF/fabric8/databaserestores.dbbackup.io-v1.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, CrdSchema> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private final JsonNode root;

  private CrdSchema(JsonNode root) {
    this.root = root;
  }

  /** The schema of the CRD at {@code resource} (a classpath resource, e.g. {@link #BACKUPS}). */
  public static CrdSchema of(String resource) {
    return LOADED.computeIfAbsent(resource, CrdSchema::load);
  }

  private static CrdSchema load(String resource) {
    try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath (build backup-api)");
      }
      JsonNode crd = YAML.readTree(in);
      JsonNode schema = crd.path("spec").path("versions").path(0).path("schema");
      if (!schema.path("openAPIV3Schema").isObject()) {
        throw new IllegalStateException(resource + " has no openAPIV3Schema");
      }
      ObjectNode root = (ObjectNode) schema.get("openAPIV3Schema");
      // Every resource has these; the API server knows them without the CRD naming them.
      ObjectNode properties = root.with("properties");
      properties.putIfAbsent(
          "apiVersion", JsonNodeFactory.instance.objectNode().put("type", "string"));
      properties.putIfAbsent("kind", JsonNodeFactory.instance.objectNode().put("type", "string"));
      properties.putIfAbsent(
          "metadata", JsonNodeFactory.instance.objectNode().put("type", "object"));
      return new CrdSchema(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The root {@code openAPIV3Schema} (for tests that walk it). */
  public JsonNode root() {
    return root;
  }

  /** One CEL rule of the schema: where it sits (a path like {@code spec.storage}) and its text. */
  public record CelRule(String path, String rule, String message) {}

  /** Every {@code x-kubernetes-validations} rule, by schema path. */
  public List<CelRule> celRules() {
    List<CelRule> rules = new ArrayList<>();
    collectRules(root, "", rules);
    return rules;
  }

  private static void collectRules(JsonNode schema, String path, List<CelRule> rules) {
    for (JsonNode r : schema.path("x-kubernetes-validations")) {
      rules.add(new CelRule(path, r.path("rule").asText(), r.path("message").asText(null)));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      collectRules(p.getValue(), join(path, p.getKey()), rules);
    }
    if (schema.path("items").isObject()) {
      collectRules(schema.get("items"), path + "[]", rules);
    }
  }

  /**
   * A document checked against the schema: what is wrong ({@code violations}: {@code removed},
   * whose value could not be bound and is left out of {@code valid}, at {@code removedFields}, then
   * {@code kept}, whose value is still in {@code valid}), and the document without the removed
   * values.
   */
  public record Result(
      List<Violation> removed, Set<String> removedFields, List<Violation> kept, JsonNode valid) {
    public List<Violation> violations() {
      List<Violation> all = new ArrayList<>(removed);
      all.addAll(kept);
      return all;
    }
  }

  /** Where check() puts what it finds. */
  private record Sink(List<Violation> removed, Set<String> removedFields, List<Violation> kept) {
    Sink() {
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
  }

  /**
   * Every structural violation of {@code document}, in document order, each naming its path in the
   * user's words (e.g. {@code spec.retention.days: expected an integer, got a list}); and a copy of
   * the document with each wrong value and every {@code null} removed, which binds to the model
   * (its defaults fill what was removed) so the semantic checks can still run.
   */
  public Result check(JsonNode document) {
    Sink sink = new Sink();
    JsonNode valid = check(root, document, "", sink);
    return new Result(
        List.copyOf(sink.removed()),
        Set.copyOf(sink.removedFields()),
        List.copyOf(sink.kept()),
        valid == null ? JsonNodeFactory.instance.objectNode() : valid);
  }

  /** Just the violations of {@code document}. */
  public List<Violation> validate(JsonNode document) {
    return check(document).violations();
  }

  /**
   * The value to keep (a cleaned copy), or null when it cannot be bound (a wrong type, a value out
   * of an enum or a range) and is removed.
   */
  private static JsonNode check(JsonNode schema, JsonNode value, String path, Sink out) {
    if (schema.path("anyOf").isArray() || schema.path("x-kubernetes-int-or-string").asBoolean()) {
      boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean();
      boolean matched = false;
      if (intOrString && (value.isIntegralNumber() || value.isTextual())) {
        matched = true;
      }
      for (JsonNode branch : schema.path("anyOf")) {
        if (!matched) {
          Sink trial = new Sink();
          check(branch, value, path, trial);
          matched = trial.isEmpty();
        }
      }
      if (!matched) {
        out.remove(
            path,
            intOrString
                ? "expected an integer or a string, got " + describe(value)
                : "matches none of the allowed forms, got " + describe(value));
        return null;
      }
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !hasType(type, value)) {
      out.remove(path, "expected " + article(type) + ", got " + describe(value));
      return null;
    }
    return switch (value.getNodeType()) {
      case OBJECT -> object(schema, (ObjectNode) value, path, out);
      case ARRAY -> array(schema, (ArrayNode) value, path, out);
      default -> scalar(schema, value, path, out) ? null : normalized(type, value);
    };
  }

  private static JsonNode object(JsonNode schema, ObjectNode value, String path, Sink out) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode child = e.getValue();
      if (child.isNull()) {
        continue; // absent, as the API server prunes it
      }
      String childPath = join(path, key);
      JsonNode childSchema = properties.get(key);
      if (childSchema == null && additional != null && additional.isObject()) {
        childSchema = additional;
      }
      if (childSchema == null) {
        boolean free =
            preserve
                || (additional != null && additional.asBoolean(false))
                || (properties.isMissingNode() && additional == null);
        if (free) {
          kept.set(key, child);
        } else {
          List<String> known = new ArrayList<>();
          properties.fieldNames().forEachRemaining(known::add);
          String guess = closest(key, known);
          out.remove(
              childPath,
              known.isEmpty()
                  ? "unknown field (this mapping takes no fields)"
                  : "unknown field ("
                      + (guess == null ? "" : "did you mean " + guess + "? ")
                      + "expected one of: "
                      + String.join(", ", known)
                      + ")");
        }
        continue;
      }
      JsonNode checked = check(childSchema, child, childPath, out);
      if (checked != null) {
        kept.set(key, checked);
      }
    }
    for (JsonNode required : schema.path("required")) {
      JsonNode present = value.get(required.asText());
      if (present == null || present.isNull()) {
        out.keep(join(path, required.asText()), "must be set");
      }
    }
    int size = value.size();
    if (schema.has("minProperties") && size < schema.get("minProperties").asInt()) {
      out.keep(path, "must have at least " + schema.get("minProperties").asInt() + " fields");
    }
    if (schema.has("maxProperties") && size > schema.get("maxProperties").asInt()) {
      out.keep(path, "must have at most " + schema.get("maxProperties").asInt() + " fields");
    }
    return kept;
  }

  private static JsonNode array(JsonNode schema, ArrayNode value, String path, Sink out) {
    if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
      int min = schema.get("minItems").asInt();
      out.keep(
          path,
          (min == 1 ? "must have at least one entry" : "must have at least " + min + " entries")
              + ", got "
              + value.size());
    }
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      out.keep(
          path,
          "must have at most " + schema.get("maxItems").asInt() + " entries, got " + value.size());
    }
    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
    JsonNode items = schema.path("items");
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      JsonNode checked =
          items.isObject() ? check(items, item, path + "[" + i + "]", out) : item.deepCopy();
      if (checked != null) {
        kept.add(checked);
      }
    }
    return kept;
  }

  private static boolean scalar(JsonNode schema, JsonNode value, String path, Sink out) {
    boolean drop = false;
    JsonNode enumeration = schema.path("enum");
    if (enumeration.isArray() && !enumeration.isEmpty()) {
      boolean found = false;
      for (JsonNode allowed : enumeration) {
        found |= allowed.equals(value);
      }
      if (!found) {
        List<String> names = new ArrayList<>();
        enumeration.forEach(a -> names.add(a.asText()));
        out.remove(path, "expected one of " + String.join(", ", names) + "; got " + quoted(value));
        drop = true;
      }
    }
    if (value.isNumber()) {
      BigDecimal v = value.decimalValue();
      BigDecimal min = schema.has("minimum") ? schema.get("minimum").decimalValue() : null;
      BigDecimal max = schema.has("maximum") ? schema.get("maximum").decimalValue() : null;
      boolean low = min != null && v.compareTo(min) < 0;
      boolean high = max != null && v.compareTo(max) > 0;
      if (low || high) {
        String bound;
        if (min != null && max != null) {
          bound = "must be " + number(min) + "-" + number(max);
        } else if (min != null) {
          bound = "must be at least " + number(min);
        } else {
          bound = "must be at most " + number(max);
        }
        // Removed: out of range may be out of the Java field's range too.
        out.remove(path, bound + ", got " + number(v));
        drop = true;
      }
    }
    if (value.isTextual()) {
      String s = value.asText();
      int length = s.codePointCount(0, s.length());
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        int min = schema.get("minLength").asInt();
        out.keep(
            path,
            min == 1
                ? "must not be empty"
                : "must be at least " + min + " characters, got " + length);
      }
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        out.keep(
            path,
            "must be at most " + schema.get("maxLength").asInt() + " characters, got " + length);
      }
      if (schema.has("pattern")) {
        String pattern = schema.get("pattern").asText();
        if (!PATTERNS.computeIfAbsent(pattern, CrdSchema::compile).matcher(s).find()) {
          out.keep(path, "must match the pattern " + pattern + ", got " + quoted(value));
        }
      }
    }
    return drop;
  }

  /** An integral number written as 1.0 is an integer to the API server; bind it as one. */
  private static JsonNode normalized(String type, JsonNode value) {
    if ("integer".equals(type) && value.isNumber() && !value.isIntegralNumber()) {
      return JsonNodeFactory.instance.numberNode(value.decimalValue().toBigIntegerExact());
    }
    return value;
  }

  private static boolean hasType(String type, JsonNode value) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "number" -> value.isNumber();
      case "integer" -> value.isIntegralNumber() || (value.isNumber() && isWhole(value));
      default -> true;
    };
  }

  private static boolean isWhole(JsonNode value) {
    BigDecimal d = value.decimalValue();
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
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

  /** The known name a typo most likely meant: at most two edits away (case aside), else null. */
  static String closest(String typed, List<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d =
          distance(typed.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance, with a swap of two neighbours counting once. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static String article(String type) {
    return switch (type) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "string" -> "a string";
      case "boolean" -> "a boolean (true or false)";
      case "integer" -> "an integer";
      case "number" -> "a number";
      default -> type;
    };
  }

  /** What the user wrote, in YAML's words; never a parser's token or class name. */
  static String describe(JsonNode value) {
    return switch (value.getNodeType()) {
      case OBJECT -> "a mapping";
      case ARRAY -> "a list";
      case STRING -> "the string " + quoted(value);
      case BOOLEAN -> "the boolean " + value.asText();
      case NUMBER -> "the number " + number(value.decimalValue());
      case NULL, MISSING -> "nothing";
      default -> "a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String text(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }

  private static String quoted(JsonNode value) {
    if (value.isTextual()) {
      return "\"" + value.asText() + "\"";
    }
    if (value.isNumber()) {
      return number(value.decimalValue());
    }
    return text(value);
  }

  private static String number(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String field(String path) {
    return path.isEmpty() ? "(document)" : path;
  }
}
