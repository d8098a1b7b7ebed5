package io.dbbackup.runner.config;

import static io.dbbackup.runner.config.ConfigLoader.invalid;
import static io.dbbackup.runner.config.ConfigLoader.quote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file's one YAML resource: reading the file, refusing a second document or one that is not a
 * mapping, checking its kind and apiVersion, and saying what is wrong with YAML that cannot be
 * parsed.
 */
final class YamlDocument {
  private static final String API_VERSION = DatabaseBackup.GROUP + "/" + DatabaseBackup.VERSION;

  /** The YAML mapper the document is read and bound with: unknown fields and nulls fail. */
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
          .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

  private YamlDocument() {}

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw invalid(file + ": no such file");
    } catch (IOException e) {
      throw invalid(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The file's one document, as a tree, after it is found to be a YAML mapping. */
  static JsonNode mapping(Path file, String yaml, String expectedKind) {
    JsonNode tree;
    try {
      tree = singleDocument(file, yaml, expectedKind);
    } catch (JsonProcessingException e) {
      throw invalid(file + ": not valid YAML: " + problem(e));
    }
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      throw invalid(file + ": empty document");
    }
    if (!tree.isObject()) {
      throw invalid(file + ": expected a " + expectedKind + " resource (a YAML mapping)");
    }
    return tree;
  }

  /** Refuses a resource of another kind or apiVersion. */
  static void checkKind(Path file, JsonNode tree, String expectedKind) {
    String kind = tree.path("kind").asText(null);
    if (!expectedKind.equals(kind)) {
      throw invalid(file + ": kind: expected " + expectedKind + ", got " + quote(kind));
    }
    String apiVersion = tree.path("apiVersion").asText(null);
    if (!API_VERSION.equals(apiVersion)) {
      throw invalid(file + ": apiVersion: expected " + API_VERSION + ", got " + quote(apiVersion));
    }
  }

  /**
   * The file's one document: a second one (after a {@code ---} line) would otherwise be ignored
   * without a word, so it is refused.
   */
  private static JsonNode singleDocument(Path file, String yaml, String expectedKind)
      throws JsonProcessingException {
    try (JsonParser parser = YAML.createParser(yaml)) {
      JsonNode first = parser.readValueAsTree();
      int documents = first == null ? 0 : 1;
      while (parser.nextToken() != null) {
        JsonNode next = parser.readValueAsTree();
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
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with the YAML and where, without the parser's own words for its state. */
  static String problem(JsonProcessingException e) {
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
}
