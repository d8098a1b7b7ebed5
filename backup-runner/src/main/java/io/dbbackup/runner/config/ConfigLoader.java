package io.dbbackup.runner.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.validation.CrdSchema;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.api.validation.Violation;
import io.dbbackup.api.validation.Violations;
import io.dbbackup.runner.config.ModelBinding.BindFailure;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the resources (the same YAML a user applies) and validates them: the document ({@link
 * YamlDocument}), the CRD schema, the binding into the model ({@link ModelBinding}) and the checks
 * beyond the schema, every problem reported at once in the file's order ({@link ViolationOrder}).
 */
public final class ConfigLoader {
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
    JsonNode tree = YamlDocument.mapping(file, YamlDocument.read(file), kind);
    warnIgnoredCompression(file, tree);
    // kind and apiVersion first: another resource's fields would only be noise.
    YamlDocument.checkKind(file, tree, kind);
    CrdSchema.Result schema = CrdSchema.of(crd).check(withoutStatus(tree));
    T resource;
    try {
      resource = ModelBinding.bind(schema.valid(), type);
    } catch (BindFailure e) {
      List<Violation> all = new ArrayList<>(schema.violations());
      all.add(e.violation);
      check(file, kind, all);
      throw invalid(file + ": " + e.violation);
    }
    List<Violation> violations =
        Violations.forFile(
            schema.removed(), schema.removedFields(), schema.kept(), validator.apply(resource));
    check(file, kind, ViolationOrder.inDocumentOrder(tree, violations));
    return resource;
  }

  /** The API server ignores a status sent with a resource; so does the runner. */
  private static JsonNode withoutStatus(JsonNode tree) {
    ObjectNode copy = ((ObjectNode) tree).deepCopy();
    copy.remove("status");
    return copy;
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
   * compress: false wins over compression.algorithm: say so rather than compress nothing quietly.
   */
  private static void warnIgnoredCompression(Path file, JsonNode tree) {
    JsonNode spec = tree.path("spec");
    JsonNode algorithm = spec.path("compression").path("algorithm");
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

  /** {@code o} in quotes, or "nothing" for a missing value. */
  static String quote(Object o) {
    return o == null ? "nothing" : "\"" + o + "\"";
  }

  /** The failure an invalid file ends the run with. */
  static RunnerException invalid(String message) {
    return new RunnerException(ExitCode.INVALID_CONFIG, message);
  }
}
