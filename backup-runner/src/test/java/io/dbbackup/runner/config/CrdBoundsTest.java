package io.dbbackup.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbbackup.api.validation.CrdSchema;
import io.dbbackup.runner.error.RunnerException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks every bounded, patterned, enumerated or required field of the generated CRDs' schemas and
 * loads a resource with a value just outside (the runner must refuse it, naming the field) and one
 * just inside (the runner must not object to that field): the runner and the cluster can never
 * drift apart, and a field added to the model with an annotation is covered without a line here.
 */
class CrdBoundsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * A value inside and values outside each pattern of the CRDs. A new pattern fails {@link
   * #everyPatternHasSamples} until it has a line here.
   */
  private static final Map<String, List<String>> PATTERN_SAMPLES =
      Map.ofEntries(
          // The API server's $ ends the text: a trailing line break is outside (Java's $ lets it
          // in).
          Map.entry("^[-._a-zA-Z0-9]+$", List.of("tls.key_1-x", "a/b", "password\n")),
          Map.entry(
              "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
              List.of("pg-backup.v1", "Pg_Backup")),
          Map.entry("^[a-z_][a-z0-9_]{0,62}$", List.of("dbbackup_2", "2dbbackup", "dbbackup\n")),
          Map.entry("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", List.of("ops-chat", "ops-")),
          Map.entry(
              "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)$",
              List.of("30 1 * * 0", "0 2 * *", "30 1 * * 0\n")),
          Map.entry("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", List.of("my.bucket-1", "ab")),
          Map.entry("^(when_supported|when_required)$", List.of("when_required", "always")),
          Map.entry("^(auto|required|off)$", List.of("off", "maybe")),
          Map.entry(
              "^([^/\\x00-\\x1f\\x7f]([^\\x00-\\x1f\\x7f]*[^/\\x00-\\x1f\\x7f])?)?$",
              List.of("team/db", "/team", "team/db\n", "team\tdb")),
          Map.entry("^(|AES256|aws:kms)$", List.of("AES256", "aes256")),
          Map.entry("^/.*", List.of("/backup/db", "backup/db")),
          Map.entry("^([01][0-9]|2[0-3]):[0-5][0-9]$", List.of("23:59", "24:00", "23:59\n")));

  /**
   * Values the schema's structure allows and the runner refuses on purpose, by field, each with its
   * reason: a CEL rule of the CRD (which refuses them too) or a check the schema cannot express.
   * Nothing else may be refused just inside a bound.
   */
  private static final Map<String, String> STRICTER_BY_DESIGN =
      Map.of(
          "spec.type=\"incremental\"",
          "logical (pg_dumpall) backups are always full",
          "spec.compression.level=19",
          "the CRD's CEL rule: 1-9 for gzip (the default algorithm)",
          "spec.notifications.channels[0].email.from=\"a\"",
          "an e-mail address: a format the schema does not state",
          "spec.backupRef.name=\"pg-backup.v1\"",
          "a DatabaseBackup's name is a folder and an object key segment: a DNS label");

  @TempDir Path dir;

  private record Crd(String resource, String kind, String good) {}

  private static final List<Crd> CRDS =
      List.of(
          new Crd(CrdSchema.BACKUPS, "DatabaseBackup", ConfigLoaderTest.GOOD),
          new Crd(
              CrdSchema.RESTORES,
              "DatabaseRestore",
              """
              apiVersion: dbbackup.io/v1alpha1
              kind: DatabaseRestore
              metadata: {name: r1, namespace: shop}
              spec:
                backupRef: {name: orders-db}
                backupId: latest
                target: {host: pg, user: postgres}
              """));

  /** One field of the schema: its path (as segments: names, and 0 for a list's first entry). */
  private record Field(List<Object> path, JsonNode schema) {
    String name() {
      StringBuilder sb = new StringBuilder();
      for (Object segment : path) {
        if (segment instanceof Integer i) {
          sb.append('[').append(i).append(']');
        } else {
          sb.append(sb.isEmpty() ? "" : ".").append(segment);
        }
      }
      return sb.toString();
    }
  }

  private static List<Field> fields(JsonNode schema, List<Object> path, List<Field> out) {
    out.add(new Field(path, schema));
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      List<Object> child = new ArrayList<>(path);
      child.add(p.getKey());
      fields(p.getValue(), child, out);
    }
    if (schema.path("items").isObject()) {
      List<Object> child = new ArrayList<>(path);
      child.add(0);
      fields(schema.get("items"), child, out);
    }
    return out;
  }

  private static List<Field> specFields(Crd crd) {
    JsonNode spec = CrdSchema.of(crd.resource()).root().path("properties").path("spec");
    return fields(spec, List.of("spec"), new ArrayList<>());
  }

  /** The lines of the runner's refusal that name {@code field}; none when it loads clean. */
  private List<String> complaintsAbout(Crd crd, Field field, JsonNode value) throws Exception {
    ObjectNode doc = (ObjectNode) YAML.readTree(crd.good());
    if (value == null) {
      remove(doc, field.path());
    } else {
      set(doc, field.path(), value);
    }
    Path f = Files.createTempFile(dir, "crd", ".yaml");
    Files.writeString(f, YAML.writeValueAsString(doc));
    try {
      if (crd.kind().equals("DatabaseRestore")) {
        ConfigLoader.loadRestore(f);
      } else {
        ConfigLoader.load(f, new SecretFiles(dir));
      }
      return List.of();
    } catch (RunnerException e) {
      String prefix = field.name() + ": ";
      return e.getMessage().lines().map(String::strip).filter(l -> l.startsWith(prefix)).toList();
    }
  }

  private static void set(ObjectNode doc, List<Object> path, JsonNode value) {
    JsonNode at = doc;
    for (int i = 0; i < path.size() - 1; i++) {
      Object segment = path.get(i);
      boolean nextIsIndex = path.get(i + 1) instanceof Integer;
      if (segment instanceof Integer) {
        ArrayNode list = (ArrayNode) at;
        if (list.isEmpty()) {
          list.add(nextIsIndex ? NODES.arrayNode() : NODES.objectNode());
        }
        at = list.get(0);
      } else {
        ObjectNode object = (ObjectNode) at;
        JsonNode next = object.get((String) segment);
        if (next == null || !(nextIsIndex ? next.isArray() : next.isObject())) {
          next = nextIsIndex ? NODES.arrayNode() : NODES.objectNode();
          object.set((String) segment, next);
        }
        at = next;
      }
    }
    Object last = path.getLast();
    if (last instanceof Integer) {
      ((ArrayNode) at).removeAll().add(value);
    } else {
      ((ObjectNode) at).set((String) last, value);
    }
  }

  private static void remove(ObjectNode doc, List<Object> path) {
    set(doc, path, NODES.textNode("placeholder"));
    JsonNode at = doc;
    for (int i = 0; i < path.size() - 1; i++) {
      at = path.get(i) instanceof Integer idx ? at.get(idx) : at.get((String) path.get(i));
    }
    ((ObjectNode) at).remove((String) path.getLast());
  }

  private record Probe(String what, JsonNode value) {
    @Override
    public String toString() {
      return what;
    }
  }

  /** Values just inside the field's bounds (the first of the list is what the others stand in). */
  private static List<Probe> inside(JsonNode s) {
    List<Probe> out = new ArrayList<>();
    String type = s.path("type").asText();
    if (type.equals("integer") || type.equals("number")) {
      if (s.has("minimum")) {
        out.add(number(s.get("minimum").bigIntegerValue()));
      }
      if (s.has("maximum")) {
        out.add(number(s.get("maximum").bigIntegerValue()));
      }
    }
    if (type.equals("string")) {
      String filler = patternInside(s);
      if (s.has("minLength")) {
        out.add(text(fill(filler, s.get("minLength").asInt())));
      }
      if (s.has("maxLength")) {
        out.add(text(fill(filler, s.get("maxLength").asInt())));
      }
      if (s.has("pattern")) {
        out.add(text(filler));
      }
      for (JsonNode e : s.path("enum")) {
        out.add(new Probe("\"" + e.asText() + "\"", e));
      }
    }
    if (type.equals("array")) {
      if (s.has("minItems")) {
        out.add(list(s, s.get("minItems").asInt()));
      }
      if (s.has("maxItems")) {
        out.add(list(s, s.get("maxItems").asInt()));
      }
    }
    return out;
  }

  /** Values just outside the field's bounds. */
  private static List<Probe> outside(JsonNode s) {
    List<Probe> out = new ArrayList<>();
    String type = s.path("type").asText();
    if (type.equals("integer") || type.equals("number")) {
      if (s.has("minimum")) {
        out.add(number(s.get("minimum").bigIntegerValue().subtract(BigInteger.ONE)));
      }
      if (s.has("maximum")) {
        out.add(number(s.get("maximum").bigIntegerValue().add(BigInteger.ONE)));
      }
      out.add(new Probe("a string", NODES.textNode("1")));
    }
    if (type.equals("string")) {
      String filler = patternInside(s);
      if (s.has("minLength") && s.get("minLength").asInt() > 0) {
        out.add(text(fill(filler, s.get("minLength").asInt() - 1)));
      }
      if (s.has("maxLength")) {
        out.add(text(fill(filler, s.get("maxLength").asInt() + 1)));
      }
      if (s.has("pattern")) {
        for (String sample :
            PATTERN_SAMPLES.get(s.get("pattern").asText()).stream().skip(1).toList()) {
          out.add(text(sample));
        }
      }
      if (s.has("enum")) {
        out.add(text("no-such-value"));
      }
      out.add(new Probe("a list", NODES.arrayNode().add(filler)));
    }
    if (type.equals("array")) {
      if (s.has("minItems") && s.get("minItems").asInt() > 0) {
        out.add(list(s, s.get("minItems").asInt() - 1));
      }
      if (s.has("maxItems")) {
        out.add(list(s, s.get("maxItems").asInt() + 1));
      }
      out.add(new Probe("a mapping", NODES.objectNode()));
    }
    if (type.equals("object")) {
      out.add(new Probe("a list", NODES.arrayNode()));
    }
    return out;
  }

  private static String patternInside(JsonNode s) {
    return s.has("pattern") ? PATTERN_SAMPLES.get(s.get("pattern").asText()).get(0) : "abc";
  }

  /** {@code filler} cut or stretched to {@code length} characters (its last one repeated). */
  private static String fill(String filler, int length) {
    if (length <= filler.length()) {
      return filler.substring(0, length);
    }
    return filler
        + String.valueOf(filler.charAt(filler.length() - 1)).repeat(length - filler.length());
  }

  private static Probe number(BigInteger n) {
    return new Probe(n.toString(), NODES.numberNode(n));
  }

  private static Probe text(String s) {
    return new Probe("\"" + s.replace("\n", "\\n") + "\"", NODES.textNode(s));
  }

  private static Probe list(JsonNode s, int size) {
    ArrayNode list = NODES.arrayNode();
    JsonNode item = s.path("items");
    for (int i = 0; i < size; i++) {
      list.add(
          item.path("type").asText().equals("object")
              ? NODES.objectNode().put("name", "c" + i)
              : NODES.textNode("ops" + i + "@example.com"));
    }
    return new Probe(size + " entries", list);
  }

  @Test
  void everyPatternHasSamples() {
    for (Crd crd : CRDS) {
      for (Field f : specFields(crd)) {
        if (f.schema().has("pattern")) {
          String pattern = f.schema().get("pattern").asText();
          assertThat(PATTERN_SAMPLES)
              .as("samples (inside, outside) in PATTERN_SAMPLES for %s's pattern", f.name())
              .containsKey(pattern);
          List<String> samples = PATTERN_SAMPLES.get(pattern);
          assertThat(java.util.regex.Pattern.compile(pattern).matcher(samples.get(0)).find())
              .as("the inside sample of %s", pattern)
              .isTrue();
          assertThat(samples).as("inside and outside samples of %s", pattern).hasSizeGreaterThan(1);
        }
      }
    }
  }

  @Test
  void theRunnerRefusesJustOutsideEveryBoundAndAcceptsJustInside() throws Exception {
    int probes = 0;
    List<String> drift = new ArrayList<>();
    for (Crd crd : CRDS) {
      for (Field f : specFields(crd)) {
        for (Probe p : outside(f.schema())) {
          probes++;
          if (complaintsAbout(crd, f, p.value()).isEmpty()) {
            drift.add(crd.kind() + " " + f.name() + "=" + p + ": accepted, the CRD refuses it");
          }
        }
        for (Probe p : inside(f.schema())) {
          probes++;
          List<String> complaints = complaintsAbout(crd, f, p.value());
          if (!complaints.isEmpty() && !STRICTER_BY_DESIGN.containsKey(f.name() + "=" + p)) {
            drift.add(crd.kind() + " " + f.name() + "=" + p + ": refused: " + complaints);
          }
        }
      }
    }
    assertThat(drift).as("the runner and the CRD disagree").isEmpty();
    assertThat(probes).as("probes").isGreaterThan(100);
  }

  @Test
  void everyRequiredFieldIsRequired() throws Exception {
    List<String> drift = new ArrayList<>();
    for (Crd crd : CRDS) {
      for (Field f : specFields(crd)) {
        for (JsonNode required : f.schema().path("required")) {
          List<Object> path = new ArrayList<>(f.path());
          path.add(required.asText());
          Field child = new Field(path, f.schema().path("properties").path(required.asText()));
          if (complaintsAbout(crd, child, null).isEmpty()) {
            drift.add(crd.kind() + " " + child.name() + " left out: accepted, the CRD refuses it");
          }
        }
      }
    }
    assertThat(drift).as("the runner and the CRD disagree").isEmpty();
  }
}
