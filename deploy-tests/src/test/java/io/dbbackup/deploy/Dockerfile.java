package io.dbbackup.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's Dockerfile, parsed just enough to check what it promises. */
record Dockerfile(Map<String, String> globalArgs, List<Stage> stages) {
  static final Path PATH = Chart.ROOT.resolve("Dockerfile");

  /** One instruction: keyword upper-cased and its arguments, continuation lines joined. */
  record Instruction(String keyword, String args) {}

  record Stage(String name, String from, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
    }

    /** The exec-form ENTRYPOINT as a list. */
    List<String> entrypoint() {
      String json =
          last("ENTRYPOINT").orElseThrow(() -> new AssertionError(name + ": no ENTRYPOINT")).args();
      try {
        return new ObjectMapper().readValue(json, new TypeReference<List<String>>() {});
      } catch (IOException e) {
        throw new AssertionError(name + ": ENTRYPOINT is not in exec (JSON) form: " + json, e);
      }
    }
  }

  static Dockerfile read() {
    try {
      return parse(Files.readAllLines(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dockerfile parse(List<String> lines) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (!current.isEmpty() && line.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String text = current.toString().strip();
      current.setLength(0);
      int space = text.indexOf(' ');
      instructions.add(
          new Instruction(
              text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
    }
    Map<String, String> globalArgs = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    Pattern from = Pattern.compile("(?i)^(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?$");
    for (Instruction i : instructions) {
      if (i.keyword().equals("FROM")) {
        Matcher m = from.matcher(i.args());
        if (!m.matches()) {
          throw new AssertionError("cannot read FROM " + i.args());
        }
        stages.add(new Stage(m.group(2), m.group(1), new ArrayList<>()));
      } else if (stages.isEmpty()) {
        if (!i.keyword().equals("ARG")) {
          throw new AssertionError("only ARG may come before the first FROM: " + i);
        }
        String[] kv = i.args().split("=", 2);
        globalArgs.put(kv[0], kv.length > 1 ? kv[1] : "");
      } else {
        stages.getLast().instructions().add(i);
      }
    }
    return new Dockerfile(globalArgs, stages);
  }

  Stage stage(String name) {
    return stages.stream()
        .filter(s -> name.equals(s.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stage " + name + " in the Dockerfile"));
  }

  /** A FROM reference with ${ARG}s replaced by their defaults. */
  String resolve(String reference) {
    Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(reference);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = globalArgs.get(m.group(1));
      if (value == null) {
        throw new AssertionError("FROM uses ${" + m.group(1) + "}, which has no default ARG");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
