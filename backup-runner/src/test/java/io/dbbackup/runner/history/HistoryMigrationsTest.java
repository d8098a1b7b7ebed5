package io.dbbackup.runner.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HistoryMigrationsTest {
  @Test
  void theFastPathKnowsTheHighestMigration() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/history"))) {
      int highest =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("V\\d+__.*\\.sql"))
              .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max(Comparator.naturalOrder())
              .orElseThrow();
      assertThat(SqlHistory.LATEST_VERSION)
          .as("SqlHistory.LATEST_VERSION must name the newest migration, or runs skip it")
          .isEqualTo(Integer.toString(highest));
    }
  }
}
