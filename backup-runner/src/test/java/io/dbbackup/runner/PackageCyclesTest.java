package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's packages as docs/architecture.md draws them: each uses only packages below it, so
 * the import graph between them has no cycle, and the root package holds only the entry points.
 */
class PackageCyclesTest {
  static final Path SOURCES = Path.of("src/main/java/io/dbbackup/runner");
  static final String ROOT = "io.dbbackup.runner";
  static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  static final Pattern IMPORT =
      Pattern.compile("(?m)^import (?:static )?(io\\.dbbackup\\.runner(?:\\.[a-z]\\w*)*)\\.[A-Z]");

  static Map<String, Set<String>> uses;

  @BeforeAll
  static void readSources() throws IOException {
    assumeTrue(Files.isDirectory(SOURCES), "run from the backup-runner module");
    uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        Matcher pkg = PACKAGE.matcher(text);
        assertThat(pkg.find()).as("package line of %s", f).isTrue();
        Set<String> used = uses.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
        Matcher imp = IMPORT.matcher(text);
        while (imp.find()) {
          if (!imp.group(1).equals(pkg.group(1))) {
            used.add(imp.group(1));
          }
        }
      }
    }
  }

  @Test
  void noTwoPackagesUseEachOtherThroughAnyPath() {
    List<String> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      List<String> path = cycleFrom(start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
      if (path != null) {
        cycles.add(String.join(" -> ", path).replace(ROOT + ".", ""));
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  @Test
  void theRootPackageHoldsOnlyTheEntryPoints() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("RunnerMain.java", "AotTraining.java");
    }
    assertThat(uses).as("packages read").containsKeys(ROOT + ".backup", ROOT + ".run");
  }

  /** A path from {@code at} back to {@code start}, or null. */
  private static List<String> cycleFrom(
      String start, String at, List<String> path, Set<String> seen) {
    for (String next : uses.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (seen.add(next)) {
        path.add(next);
        List<String> found = cycleFrom(start, next, path, seen);
        if (found != null) {
          return found;
        }
        path.removeLast();
      }
    }
    return null;
  }
}
