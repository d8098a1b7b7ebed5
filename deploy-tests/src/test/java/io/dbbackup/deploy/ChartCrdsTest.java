package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's crds/ are byte-for-byte the generated CRDs in crds/ (which backup-api's build keeps
 * current). `make chart-crds` copies them.
 */
class ChartCrdsTest {
  @Test
  void chartCrdsEqualTheGeneratedOnes() throws IOException {
    Path generated = Chart.ROOT.resolve("crds");
    Path chart = Chart.DIR.resolve("crds");
    List<String> names = names(generated);
    assertThat(names)
        .containsExactly(
            "databasebackups.dbbackup.io-v1.yml", "databaserestores.dbbackup.io-v1.yml");
    assertThat(names(chart))
        .as("files in charts/dbbackup-operator/crds; run `make chart-crds`")
        .isEqualTo(names);
    for (String name : names) {
      assertThat(Files.readString(chart.resolve(name)))
          .as(
              "charts/dbbackup-operator/crds/%s differs from crds/%s; run `make chart-crds`",
              name, name)
          .isEqualTo(Files.readString(generated.resolve(name)));
    }
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
