package io.dbbackup.api.validation;

import static io.dbbackup.api.validation.ValueWording.number;
import static io.dbbackup.api.validation.ValueWording.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of one scalar value against its schema: {@code enum} and {@code minimum}/{@code
 * maximum} (a value outside them cannot be bound and is removed), {@code minLength}/{@code
 * maxLength} and {@code pattern} (the value is kept).
 */
final class ScalarBounds {
  private ScalarBounds() {}

  /** Records what is wrong with {@code value} in {@code out}; true when the value is removed. */
  static boolean check(JsonNode schema, JsonNode value, String path, SchemaFindings out) {
    boolean drop = notInEnum(schema, value, path, out);
    if (value.isNumber() && outOfRange(schema, value.decimalValue(), path, out)) {
      drop = true;
    }
    if (value.isTextual()) {
      checkText(schema, value, path, out);
    }
    return drop;
  }

  private static boolean notInEnum(
      JsonNode schema, JsonNode value, String path, SchemaFindings out) {
    JsonNode enumeration = schema.path("enum");
    if (!enumeration.isArray() || enumeration.isEmpty()) {
      return false;
    }
    boolean found = false;
    for (JsonNode allowed : enumeration) {
      found |= allowed.equals(value);
    }
    if (found) {
      return false;
    }
    List<String> names = new ArrayList<>();
    enumeration.forEach(a -> names.add(a.asText()));
    out.remove(path, "expected one of " + String.join(", ", names) + "; got " + quoted(value));
    return true;
  }

  private static boolean outOfRange(
      JsonNode schema, BigDecimal v, String path, SchemaFindings out) {
    BigDecimal min = schema.has("minimum") ? schema.get("minimum").decimalValue() : null;
    BigDecimal max = schema.has("maximum") ? schema.get("maximum").decimalValue() : null;
    boolean low = min != null && v.compareTo(min) < 0;
    boolean high = max != null && v.compareTo(max) > 0;
    if (!low && !high) {
      return false;
    }
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
    return true;
  }

  private static void checkText(JsonNode schema, JsonNode value, String path, SchemaFindings out) {
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
      if (!Re2Pattern.finds(pattern, s)) {
        out.keep(path, "must match the pattern " + pattern + ", got " + quoted(value));
      }
    }
  }
}
