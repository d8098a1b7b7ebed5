package io.dbbackup.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a manifest the way the API server would against a generated CRD, without a cluster: the
 * openAPIV3Schema as JSON Schema (networknt, draft 4, which OpenAPI 3.0 schemas follow), with
 * unknown fields refused as {@code kubectl apply}'s strict field validation does, defaults applied,
 * then each {@code x-kubernetes-validations} CEL rule evaluated with Google's CEL-Java.
 */
final class CrdSchemaValidator {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();
  private static final CelRuntime CEL_RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode openApi;
  private final JsonSchema schema;
  private final Map<String, CelRuntime.Program> programs = new HashMap<>();

  private CrdSchemaValidator(JsonNode openApi) {
    this.openApi = openApi;
    ObjectNode strict = openApi.deepCopy();
    ObjectNode props = (ObjectNode) strict.with("properties");
    props.putObject("apiVersion").put("type", "string");
    props.putObject("kind").put("type", "string");
    props.putObject("metadata").put("type", "object");
    refuseUnknownFields(strict);
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
  }

  /** For the first version of the CRD in {@code crds/<file>}. */
  static CrdSchemaValidator forCrd(String file) throws IOException {
    JsonNode crd = YAML.readTree(MockCluster.CRDS.resolve(file).toFile());
    return new CrdSchemaValidator(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  static JsonNode read(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  static JsonNode parse(String yaml) throws IOException {
    return YAML.readTree(yaml);
  }

  /** Every refusal, as the API server would word the path; empty when the manifest is accepted. */
  List<String> validate(JsonNode manifest) {
    return validateUpdate(null, manifest);
  }

  /**
   * An update from {@code old} (null: a create) to {@code manifest}. Transition rules (those that
   * read {@code oldSelf}) apply only where there is an old value, as in the API server.
   */
  List<String> validateUpdate(JsonNode old, JsonNode manifest) {
    List<String> refusals = new ArrayList<>();
    for (ValidationMessage m : schema.validate(manifest)) {
      refusals.add(m.getMessage());
    }
    if (refusals.isEmpty()) {
      JsonNode defaulted = manifest.deepCopy();
      applyDefaults(openApi, defaulted);
      JsonNode oldDefaulted = old == null ? null : old.deepCopy();
      if (oldDefaulted != null) {
        applyDefaults(openApi, oldDefaulted);
      }
      evaluateRules(openApi, defaulted, oldDefaulted, "", refusals);
    }
    return refusals;
  }

  private static void refuseUnknownFields(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    if (object.has("properties")
        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      object.put("additionalProperties", false);
    }
    object.path("properties").forEach(CrdSchemaValidator::refuseUnknownFields);
    refuseUnknownFields(object.get("items"));
    JsonNode additional = object.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      refuseUnknownFields(additional);
    }
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object && schema.has("properties")) {
      schema
          .get("properties")
          .properties()
          .forEach(
              e -> {
                if (!object.has(e.getKey()) && e.getValue().has("default")) {
                  object.set(e.getKey(), e.getValue().get("default").deepCopy());
                }
                if (object.has(e.getKey())) {
                  applyDefaults(e.getValue(), object.get(e.getKey()));
                }
              });
    } else if (value != null && value.isArray() && schema.has("items")) {
      value.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void evaluateRules(
      JsonNode schema, JsonNode value, JsonNode old, String path, List<String> refusals) {
    if (value == null || value.isNull()) {
      return;
    }
    boolean hasOld = old != null && !old.isNull();
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String text = rule.get("rule").asText();
      if (text.contains("oldSelf") && !hasOld) {
        continue;
      }
      if (!Boolean.TRUE.equals(eval(text, value, hasOld ? old : null))) {
        refusals.add(
            path.substring(1) + ": Invalid value: \"object\": " + rule.get("message").asText());
      }
    }
    if (value.isObject() && schema.has("properties")) {
      schema
          .get("properties")
          .properties()
          .forEach(
              e ->
                  evaluateRules(
                      e.getValue(),
                      value.get(e.getKey()),
                      hasOld ? old.get(e.getKey()) : null,
                      path + "." + e.getKey(),
                      refusals));
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        // Kubernetes pairs list items for transition rules only in map-type lists; none here.
        evaluateRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", refusals);
      }
    }
  }

  private Object eval(String rule, JsonNode self, JsonNode oldSelf) {
    try {
      CelRuntime.Program program =
          programs.computeIfAbsent(
              rule,
              r -> {
                try {
                  return CEL_RUNTIME.createProgram(CEL.compile(r).getAst());
                } catch (Exception e) {
                  throw new IllegalStateException("CEL rule does not compile: " + r, e);
                }
              });
      return program.eval(
          oldSelf == null
              ? Map.of("self", toCel(self))
              : Map.of("self", toCel(self), "oldSelf", toCel(oldSelf)));
    } catch (Exception e) {
      return e;
    }
  }

  /** JSON as CEL sees it: maps, lists, int64, double, bool, string. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
