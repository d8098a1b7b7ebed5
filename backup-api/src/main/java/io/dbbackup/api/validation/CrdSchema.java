package io.dbbackup.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>This class loads the schema and answers for it; {@link SchemaWalker} walks a document along
 * it, {@link ScalarBounds} checks each scalar, {@link ValueWording} words the messages.
 */
public final class CrdSchema {
  /** The generated CRD of DatabaseBackup. */
  public static final String BACKUPS = "META-INF/fabric8/databasebackups.dbbackup.io-v1.yml";

  /** The generated CRD of DatabaseRestore. */
  public static final String RESTORES = "META-INF/fabric8/databaserestores.dbbackup.io-v1.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, CrdSchema> LOADED = new ConcurrentHashMap<>();

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
      collectRules(p.getValue(), SchemaWalker.join(path, p.getKey()), rules);
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

  /**
   * Every structural violation of {@code document}, in document order, each naming its path in the
   * user's words (e.g. {@code spec.retention.days: expected an integer, got a list}); and a copy of
   * the document with each wrong value and every {@code null} removed, which binds to the model
   * (its defaults fill what was removed) so the semantic checks can still run.
   */
  public Result check(JsonNode document) {
    SchemaFindings findings = new SchemaFindings();
    JsonNode valid = SchemaWalker.check(root, document, "", findings);
    return new Result(
        List.copyOf(findings.removed()),
        Set.copyOf(findings.removedFields()),
        List.copyOf(findings.kept()),
        valid == null ? JsonNodeFactory.instance.objectNode() : valid);
  }

  /** Just the violations of {@code document}. */
  public List<Violation> validate(JsonNode document) {
    return check(document).violations();
  }
}
