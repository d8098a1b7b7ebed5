package io.dbbackup.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart {@code charts/dbbackup-operator} rendered by Helm's own engine (helm-java), as {@code
 * helm template} does, and the rendered objects parsed.
 */
final class Chart {
  static final Path ROOT = Path.of(System.getProperty("dbbackup.root", "..")).toAbsolutePath();
  static final Path DIR = ROOT.resolve("charts/dbbackup-operator");
  static final String RELEASE = "dbb";
  static final String NAMESPACE = "dbbackup-system";
  static final String FULLNAME = "dbb-dbbackup-operator";

  /** The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and a recent one. */
  static final String KUBE_VERSION = "1.31.0";

  static final YAMLMapper YAML = new YAMLMapper();

  private Chart() {}

  static Helm helm() {
    return new Helm(DIR);
  }

  /** The rendered objects for these {@code --set} values, in Helm's order. */
  static Rendered render(Map<String, ?> values) {
    return new Rendered(parse(template(values)));
  }

  static Rendered render() {
    return render(Map.of());
  }

  /**
   * Like {@link #render(Map)}, plus the {@code helm test} pod: helm-java's template prints the
   * manifest without hooks, so this renders a copy of the chart whose test templates have their
   * {@code helm.sh/hook} annotations removed (and nothing else changed).
   */
  static Rendered renderWithTestHooks(Map<String, ?> values) {
    try {
      Path copy = Files.createTempDirectory("dbbackup-chart-");
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path source : files.toList()) {
          Path target = copy.resolve(DIR.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else if (source.startsWith(DIR.resolve("templates/tests"))) {
            Files.write(
                target,
                Files.readAllLines(source).stream()
                    .filter(line -> !line.contains("helm.sh/hook"))
                    .toList());
          } else {
            Files.copy(source, target);
          }
        }
      }
      return new Rendered(parse(template(new Helm(copy), values)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rendered objects for a values file ({@code -f}); throws as {@link #template(Map)}. */
  static Rendered render(Path valuesFile) {
    return new Rendered(parse(templateWithValuesFile(valuesFile)));
  }

  /** {@code helm template -f valuesFile} output. */
  static String templateWithValuesFile(Path valuesFile) {
    return helm()
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(valuesFile)
        .call();
  }

  /** {@code helm template} output; throws IllegalStateException with Helm's message on refusal. */
  static String template(Map<String, ?> values) {
    return template(helm(), values);
  }

  private static String template(Helm helm, Map<String, ?> values) {
    TemplateCommand template =
        helm.template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    values.forEach(template::set);
    return template.call();
  }

  static List<JsonNode> parse(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** Values as {@code --set} pairs, in order. */
  static Map<String, Object> values(Object... keyValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put((String) keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  /** What one render produced. */
  record Rendered(List<JsonNode> objects) {
    Stream<JsonNode> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    JsonNode one(String kind) {
      List<JsonNode> all = ofKind(kind).toList();
      if (all.size() != 1) {
        throw new AssertionError("expected one " + kind + ", rendered " + all.size());
      }
      return all.getFirst();
    }

    /** "Kind namespace/name" of every object, for exact comparisons. */
    List<String> ids() {
      return objects.stream()
          .map(
              o ->
                  o.path("kind").asText()
                      + " "
                      + (o.path("metadata").has("namespace")
                          ? o.path("metadata").path("namespace").asText() + "/"
                          : "")
                      + o.path("metadata").path("name").asText())
          .toList();
    }

    /** The pod specs of every workload and test pod, by "Kind/name". */
    Map<String, JsonNode> podSpecs() {
      Map<String, JsonNode> specs = new LinkedHashMap<>();
      for (JsonNode o : objects) {
        String id = o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
        switch (o.path("kind").asText()) {
          case "Pod" -> specs.put(id, o.path("spec"));
          case "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet" ->
              specs.put(id, o.path("spec").path("template").path("spec"));
          case "CronJob" ->
              specs.put(
                  id,
                  o.path("spec").path("jobTemplate").path("spec").path("template").path("spec"));
          default -> {}
        }
      }
      return specs;
    }
  }
}
