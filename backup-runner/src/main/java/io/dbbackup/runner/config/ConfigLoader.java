package io.dbbackup.runner.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.validation.CrdSchema;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.api.validation.Violation;
import io.dbbackup.api.validation.Violations;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the resources (the same YAML a user applies) and validates them. */
public final class ConfigLoader {
  private static final String API_VERSION = DatabaseBackup.GROUP + "/" + DatabaseBackup.VERSION;
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
          .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  /**
   * Loads and validates {@code file}: every problem of the file at once (unknown fields, wrong
   * types, values out of the CRD schema, and the checks beyond it), one line each, naming its
   * field.
   *
   * @throws RunnerException with {@link ExitCode#INVALID_CONFIG} and every problem, each naming its
   *     field
   */
  public static BackupConfig load(Path file, SecretFiles secrets) {
    DatabaseBackup resource =
        load(
            file,
            "DatabaseBackup",
            DatabaseBackup.class,
            CrdSchema.BACKUPS,
            DatabaseBackupValidator::validate);
    return new BackupConfig(resource, secrets);
  }

  /** Loads and validates a DatabaseRestore resource. */
  public static DatabaseRestore loadRestore(Path file) {
    return load(
        file,
        "DatabaseRestore",
        DatabaseRestore.class,
        CrdSchema.RESTORES,
        DatabaseRestoreValidator::validate);
  }

  private static <T> T load(
      Path file, String kind, Class<T> type, String crd, Function<T, List<Violation>> validator) {
    JsonNode tree = document(file, read(file), kind);
    CrdSchema.Result schema = CrdSchema.of(crd).check(withoutStatus(tree));
    T resource;
    try {
      resource = bind(schema.valid(), type);
    } catch (BindFailure e) {
      List<Violation> all = new ArrayList<>(schema.violations());
      all.add(e.violation);
      check(file, kind, all);
      throw invalid(file + ": " + e.violation);
    }
    List<Violation> violations =
        Violations.forFile(
            schema.removed(), schema.removedFields(), schema.kept(), validator.apply(resource));
    check(file, kind, inDocumentOrder(tree, violations));
    return resource;
  }

  /**
   * The violations in the order their fields appear in the file (a field the file lacks sits where
   * its nearest written parent does), so the message reads top to bottom.
   */
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

  /** The API server ignores a status sent with a resource; so does the runner. */
  private static JsonNode withoutStatus(JsonNode tree) {
    ObjectNode copy = ((ObjectNode) tree).deepCopy();
    copy.remove("status");
    return copy;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw invalid(file + ": no such file");
    } catch (IOException e) {
      throw invalid(file + ": cannot read: " + e.getMessage());
    }
  }

  private static void check(Path file, String kind, List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw invalid(
          file
              + ": invalid "
              + kind
              + ":\n  "
              + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
    }
  }

  /**
   * The file's one document: a second one (after a {@code ---} line) would otherwise be ignored
   * without a word, so it is refused.
   */
  private static com.fasterxml.jackson.databind.JsonNode singleDocument(
      Path file, String yaml, String expectedKind) throws JsonProcessingException {
    try (com.fasterxml.jackson.core.JsonParser parser = YAML.createParser(yaml)) {
      com.fasterxml.jackson.databind.JsonNode first = parser.readValueAsTree();
      int documents = first == null ? 0 : 1;
      while (parser.nextToken() != null) {
        com.fasterxml.jackson.databind.JsonNode next = parser.readValueAsTree();
        if (next != null && !next.isNull() && !next.isMissingNode()) {
          documents++;
        }
      }
      if (documents > 1) {
        throw invalid(
            file
                + ": holds "
                + documents
                + " YAML documents (separated by ---); the runner reads one "
                + expectedKind
                + " a file: put each resource in a file of its own");
      }
      return first;
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * compress: false wins over compression.algorithm: say so rather than compress nothing quietly.
   */
  private static void warnIgnoredCompression(
      Path file, com.fasterxml.jackson.databind.JsonNode tree) {
    com.fasterxml.jackson.databind.JsonNode spec = tree.path("spec");
    com.fasterxml.jackson.databind.JsonNode algorithm = spec.path("compression").path("algorithm");
    if (spec.path("compress").isBoolean()
        && !spec.path("compress").asBoolean()
        && algorithm.isTextual()
        && !"none".equals(algorithm.asText())) {
      LOG.atWarn()
          .addKeyValue("event", "config_warning")
          .addKeyValue("field", "spec.compression.algorithm")
          .log(
              file
                  + ": spec.compression.algorithm: "
                  + algorithm.asText()
                  + " is ignored because spec.compress is false: the dump is stored uncompressed"
                  + " (remove one of the two)");
    }
  }

  /** The file's one resource, as a tree, after its kind and apiVersion are checked. */
  static JsonNode document(Path file, String yaml, String expectedKind) {
    JsonNode tree;
    try {
      tree = singleDocument(file, yaml, expectedKind);
    } catch (JsonProcessingException e) {
      throw invalid(file + ": not valid YAML: " + yamlProblem(e));
    }
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      throw invalid(file + ": empty document");
    }
    if (!tree.isObject()) {
      throw invalid(file + ": expected a " + expectedKind + " resource (a YAML mapping)");
    }
    warnIgnoredCompression(file, tree);
    // kind and apiVersion first: another resource's fields would only be noise.
    String kind = tree.path("kind").asText(null);
    if (!expectedKind.equals(kind)) {
      throw invalid(file + ": kind: expected " + expectedKind + ", got " + quote(kind));
    }
    String apiVersion = tree.path("apiVersion").asText(null);
    if (!API_VERSION.equals(apiVersion)) {
      throw invalid(file + ": apiVersion: expected " + API_VERSION + ", got " + quote(apiVersion));
    }
    return tree;
  }

  /** What is wrong with the YAML and where, without the parser's own words for its state. */
  static String yamlProblem(JsonProcessingException e) {
    // SnakeYAML's own sentences ("while parsing a flow node", "expected the node content, but
    // found '<stream end>'") are the user's words; its excerpts with a caret, its "in 'reader'"
    // positions and Jackson's token names are not.
    List<String> sentences = new ArrayList<>();
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    for (String line : message.split("\\R")) {
      String l = line.replaceAll("\\s*\\(?JsonToken\\.[A-Z_]+\\)?", "").strip();
      if (l.isEmpty() || l.startsWith("in 'reader'") || l.equals("^") || line.startsWith("    ")) {
        continue;
      }
      if (!sentences.contains(l)) {
        sentences.add(l);
      }
    }
    var location = e.getLocation();
    String at =
        location == null || location.getLineNr() < 1
            ? ""
            : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    return at + (sentences.isEmpty() ? "cannot be parsed" : String.join(", ", sentences));
  }

  /**
   * Binds a tree the schema found clean (its wrong values removed): what still fails names the
   * field in the user's words.
   */
  private static <T> T bind(JsonNode tree, Class<T> type) throws BindFailure {
    try {
      return YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BindFailure(path(e), "unknown field");
    } catch (InvalidFormatException e) {
      throw new BindFailure(
          path(e), quote(e.getValue()) + " is not a valid " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      throw new BindFailure(path(e), "cannot be read as this field expects");
    } catch (JsonProcessingException e) {
      throw new BindFailure("(document)", "cannot be read: " + yamlProblem(e));
    }
  }

  /** A value the schema let through that the model still cannot take. */
  private static final class BindFailure extends Exception {
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
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
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

  private static String quote(Object o) {
    return o == null ? "nothing" : "\"" + o + "\"";
  }

  private static RunnerException invalid(String message) {
    return new RunnerException(ExitCode.INVALID_CONFIG, message);
  }
}
