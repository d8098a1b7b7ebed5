package io.dbbackup.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * How the schema's messages name types and values: in YAML's words for people (a mapping, a list,
 * the string "x", the number 5), never a parser's token or class name.
 */
final class ValueWording {
  private ValueWording() {}

  /** A schema {@code type} with its article, e.g. {@code an integer}. */
  static String article(String type) {
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
      default -> "a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** A value as written: a string in double quotes, a number without trailing zeros. */
  static String quoted(JsonNode value) {
    if (value.isTextual()) {
      return "\"" + value.asText() + "\"";
    }
    if (value.isNumber()) {
      return number(value.decimalValue());
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** A number without trailing zeros or an exponent (5, not 5.0 or 5E+0). */
  static String number(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString();
  }
}
