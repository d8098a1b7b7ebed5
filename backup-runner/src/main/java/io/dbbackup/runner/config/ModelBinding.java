package io.dbbackup.runner.config;

import static io.dbbackup.runner.config.ConfigLoader.quote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.dbbackup.api.validation.Violation;
import java.util.Arrays;
import java.util.Locale;

/**
 * Binds a tree the schema found clean (its wrong values removed) into the model: what still fails
 * becomes a violation naming the field, and what it expects, in the user's words.
 */
final class ModelBinding {
  private ModelBinding() {}

  static <T> T bind(JsonNode tree, Class<T> type) throws BindFailure {
    try {
      return YamlDocument.YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BindFailure(path(e), "unknown field");
    } catch (InvalidFormatException e) {
      throw new BindFailure(
          path(e), quote(e.getValue()) + " is not a valid " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      throw new BindFailure(path(e), "cannot be read as this field expects");
    } catch (JsonProcessingException e) {
      throw new BindFailure("(document)", "cannot be read: " + YamlDocument.problem(e));
    }
  }

  /** A value the schema let through that the model still cannot take. */
  static final class BindFailure extends Exception {
    final Violation violation;

    BindFailure(String field, String message) {
      super(field + ": " + message, null, false, false);
      this.violation = new Violation(field, message);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      }
    }
    return sb.isEmpty() ? "(document)" : sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type.isEnum()) {
      return "value (expected one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(Locale.ROOT).replace('_', '-'))
              .toList()
          + ")";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "boolean (true or false)";
    }
    return type.getSimpleName();
  }
}
