package io.dbbackup.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second YAML document is refused; compress: false beside an algorithm is pointed out. */
class ConfigDocumentsTest {
  @TempDir Path dir;

  private BackupConfig load(String yaml) throws Exception {
    Path f = dir.resolve("b.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, new SecretFiles(dir));
  }

  @Test
  void aSecondDocumentIsRefusedNotIgnored() {
    String two = ConfigLoaderTest.GOOD + "---\n" + ConfigLoaderTest.GOOD.replace("orders-db", "x");
    assertThatThrownBy(() -> load(two))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessageContaining("holds 2 YAML documents (separated by ---)")
        .hasMessageContaining("one DatabaseBackup a file");
  }

  @Test
  void aLeadingOrTrailingSeparatorIsStillOneDocument() throws Exception {
    assertThat(load("---\n" + ConfigLoaderTest.GOOD + "---\n").qualifiedName())
        .isEqualTo("shop/orders-db");
  }

  @Test
  void compressFalseWithAnAlgorithmIsFlagged() throws Exception {
    try (LogCapture logs = LogCapture.open()) {
      load(ConfigLoaderTest.GOOD + "  compress: false\n  compression: {algorithm: zstd}\n");
      assertThat(logs.events("config_warning")).hasSize(1);
      assertThat(logs.text())
          .contains("spec.compression.algorithm: zstd is ignored because spec.compress is false");
    }
    try (LogCapture logs = LogCapture.open()) {
      load(ConfigLoaderTest.GOOD + "  compress: false\n");
      load(ConfigLoaderTest.GOOD + "  compression: {algorithm: zstd}\n");
      assertThat(logs.events("config_warning")).isEmpty();
    }
  }
}
