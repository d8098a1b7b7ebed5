package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRDs in crds/ are generated from the model; the build fails when they fall behind. */
class GeneratedCrdsAreCommittedTest {
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  static final Path COMMITTED = Path.of("../crds");

  @Test
  void printerColumnsComeInTheDesignOrderAndNextIsNotADateColumn() throws IOException {
    String crd = Files.readString(GENERATED.resolve("databasebackups.dbbackup.io-v1.yml"));
    List<String> names =
        crd.lines()
            .filter(l -> l.startsWith("      name: "))
            .map(l -> l.substring("      name: ".length()).replace("\"", ""))
            .toList();
    assertThat(names)
        .containsExactly(
            "Schedule", "Last Success", "Last Result", "Size", "Verified", "Next", "Age");
    assertThat(crd)
        .contains(
            "jsonPath: \".status.nextScheduleTime\"\n      name: \"Next\"\n      priority: 0\n      type: \"string\"");
  }

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (Stream<Path> files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).hasSize(2);
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      assertThat(committed)
          .as("crds/%s is missing: run `make crds` and commit it", file.getFileName())
          .exists();
      assertThat(Files.readString(committed))
          .as("crds/%s is stale: run `make crds` and commit it", file.getFileName())
          .isEqualTo(Files.readString(file));
    }
  }
}
