package io.dbbackup.api.validation;

import static io.dbbackup.api.validation.ValueWording.article;
import static io.dbbackup.api.validation.ValueWording.describe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The walk of a document along its schema: {@code anyOf} and {@code x-kubernetes-int-or-string},
 * {@code type}, a mapping's fields ({@code properties}, {@code additionalProperties}, {@code
 * required}, {@code minProperties}/{@code maxProperties}) and a list's entries ({@code items},
 * {@code minItems}/{@code maxItems}); each scalar goes to {@link ScalarBounds}. Builds the cleaned
 * copy of the document as it goes.
 */
final class SchemaWalker {
  private SchemaWalker() {}

  /**
   * The value to keep (a cleaned copy), or null when it cannot be bound (a wrong type, a value out
   * of an enum or a range) and is removed.
   */
  static JsonNode check(JsonNode schema, JsonNode value, String path, SchemaFindings out) {
    if (matchesNoAlternative(schema, value, path, out)) {
      return null;
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !hasType(type, value)) {
      out.remove(path, "expected " + article(type) + ", got " + describe(value));
      return null;
    }
    return switch (value.getNodeType()) {
      case OBJECT -> object(schema, (ObjectNode) value, path, out);
      case ARRAY -> array(schema, (ArrayNode) value, path, out);
      default -> ScalarBounds.check(schema, value, path, out) ? null : normalized(type, value);
    };
  }

  /** The path of {@code key} in the mapping at {@code path}. */
  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * Whether the schema offers alternatives ({@code anyOf}, {@code x-kubernetes-int-or-string}) and
   * {@code value} matches none of them; if so, it is recorded as removed.
   */
  private static boolean matchesNoAlternative(
      JsonNode schema, JsonNode value, String path, SchemaFindings out) {
    boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean();
    if (!schema.path("anyOf").isArray() && !intOrString) {
      return false;
    }
    boolean matched = intOrString && (value.isIntegralNumber() || value.isTextual());
    for (JsonNode branch : schema.path("anyOf")) {
      if (!matched) {
        SchemaFindings trial = new SchemaFindings();
        check(branch, value, path, trial);
        matched = trial.isEmpty();
      }
    }
    if (matched) {
      return false;
    }
    out.remove(
        path,
        intOrString
            ? "expected an integer or a string, got " + describe(value)
            : "matches none of the allowed forms, got " + describe(value));
    return true;
  }

  private static JsonNode object(
      JsonNode schema, ObjectNode value, String path, SchemaFindings out) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
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
        if (takesAnyField(schema)) {
          kept.set(key, child);
        } else {
          out.remove(childPath, unknownField(key, properties));
        }
        continue;
      }
      JsonNode checked = check(childSchema, child, childPath, out);
      if (checked != null) {
        kept.set(key, checked);
      }
    }
    checkFieldCounts(schema, value, path, out);
    return kept;
  }

  /** Whether a mapping keeps the fields its schema does not name. */
  private static boolean takesAnyField(JsonNode schema) {
    JsonNode additional = schema.get("additionalProperties");
    return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()
        || (additional != null && additional.asBoolean(false))
        || (schema.path("properties").isMissingNode() && additional == null);
  }

  /** The message of a field the schema does not name: the likely meant one and all known ones. */
  private static String unknownField(String key, JsonNode properties) {
    List<String> known = new ArrayList<>();
    properties.fieldNames().forEachRemaining(known::add);
    if (known.isEmpty()) {
      return "unknown field (this mapping takes no fields)";
    }
    String guess = Typos.closest(key, known);
    return "unknown field ("
        + (guess == null ? "" : "did you mean " + guess + "? ")
        + "expected one of: "
        + String.join(", ", known)
        + ")";
  }

  /** {@code required}, {@code minProperties} and {@code maxProperties} of a mapping. */
  private static void checkFieldCounts(
      JsonNode schema, ObjectNode value, String path, SchemaFindings out) {
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
  }

  private static JsonNode array(JsonNode schema, ArrayNode value, String path, SchemaFindings out) {
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
}
