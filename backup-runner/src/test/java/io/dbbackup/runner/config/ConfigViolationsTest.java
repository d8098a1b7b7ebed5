package io.dbbackup.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every problem of a file comes in one exit-2 message, one line each, in the user's words. */
class ConfigViolationsTest {
  @TempDir Path dir;

  private String refused(String yaml) throws Exception {
    Path f = dir.resolve("b.yaml");
    Files.writeString(f, yaml);
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> ConfigLoader.load(f, new SecretFiles(dir)));
    assertThat(t).as("refused").isInstanceOf(RunnerException.class);
    assertThat(((RunnerException) t).exitCode()).isEqualTo(ExitCode.INVALID_CONFIG);
    assertThat(t.getMessage())
        .doesNotContain("JsonToken", "com.fasterxml", "START_", "Cannot deserialize");
    return t.getMessage();
  }

  /** The violation lines of a refusal (after the "file: invalid Kind:" line). */
  private List<String> lines(String message) {
    return message.lines().skip(1).map(String::strip).toList();
  }

  @Test
  void boundsTheClusterRefusesAreRefusedToo() throws Exception {
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  retries: 50\n")))
        .containsExactly("spec.retries: must be 0-10, got 50");
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  timeoutMinutes: 99999\n")))
        .containsExactly("spec.timeoutMinutes: must be 1-10080, got 99999");
    // Beyond Java's int: still the schema's words, not an overflow.
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  timeoutMinutes: 99999999999\n")))
        .containsExactly("spec.timeoutMinutes: must be 1-10080, got 99999999999");
  }

  @Test
  void aStructuralMistakeIsSaidInTheUsersWords() throws Exception {
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  retention: [30, 1]\n")))
        .containsExactly("spec.retention: expected a mapping, got a list");
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  retention: {days: [30]}\n")))
        .containsExactly("spec.retention.days: expected an integer, got a list");
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  retries: \"3\"\n")))
        .containsExactly("spec.retries: expected an integer, got the string \"3\"");
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  retries: 2.5\n")))
        .containsExactly("spec.retries: expected an integer, got the number 2.5");
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  verify: yes please\n")))
        .containsExactly(
            "spec.verify: expected a boolean (true or false), got the string \"yes please\"");
    assertThat(
            lines(
                refused(
                    ConfigLoaderTest.GOOD.replace(
                        "storage: {volume: {path: /backup/database}}",
                        "storage: [{volume: {path: /backup/database}}]"))))
        .containsExactly("spec.storage: expected a mapping, got a list");
  }

  @Test
  void aBadEnumValueListsTheAllowedOnes() throws Exception {
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  compression: {algorithm: lz4}\n")))
        .containsExactly(
            "spec.compression.algorithm: expected one of gzip, none, zstd; got \"lz4\"");
  }

  @Test
  void everyProblemOfAFileComesTogetherOneLineEach() throws Exception {
    String yaml =
        ConfigLoaderTest.GOOD
            + """
              retries: 50
              schedule: "0 25 * * *"
              retention: {dayz: 3, minKeep: many}
              compression: {algorithm: lz4}
              window: {start: "2am", end: "05:00"}
              timeZone: Mars/Olympus
            """;
    String message = refused(yaml);
    assertThat(message.lines().findFirst().orElseThrow())
        .endsWith("b.yaml: invalid DatabaseBackup:");
    List<String> lines = lines(message);
    assertThat(lines)
        .hasSize(7)
        .contains(
            "spec.retries: must be 0-10, got 50",
            "spec.retention.dayz: unknown field (did you mean days? expected one of: days, keepDaily,"
                + " keepMonthly, keepWeekly, keepYearly, minKeep)",
            "spec.retention.minKeep: expected an integer, got the string \"many\"",
            "spec.compression.algorithm: expected one of gzip, none, zstd; got \"lz4\"",
            "spec.window.start: must be a time HH:MM (24-hour), got \"2am\"",
            "spec.timeZone: \"Mars/Olympus\" is not an IANA time zone name (e.g. Asia/Tokyo,"
                + " Europe/Berlin, UTC)")
        .anyMatch(l -> l.startsWith("spec.schedule: ") && l.contains("not a valid cron"));
  }

  @Test
  void aMissingRequiredFieldAndAnUnknownOneComeTogether() throws Exception {
    String yaml =
        ConfigLoaderTest.GOOD.replace("host: pg, ", "").replace("user: backup", "usr: backup");
    assertThat(lines(refused(yaml)))
        .containsExactlyInAnyOrder(
            "spec.database.usr: unknown field (did you mean user? expected one of: connectRetry, databases, host,"
                + " passwordSecretRef, port, sslMode, user)",
            "spec.database.host: must be set",
            "spec.database.user: must be set");
  }

  @Test
  void theLinesFollowTheFileTopToBottom() throws Exception {
    String yaml =
        ConfigLoaderTest.GOOD
            + """
              timeZone: Mars/Olympus
              retries: 50
              verfy: true
            """;
    assertThat(lines(refused(yaml)))
        .containsExactly(
            "spec.timeZone: \"Mars/Olympus\" is not an IANA time zone name (e.g. Asia/Tokyo,"
                + " Europe/Berlin, UTC)",
            "spec.retries: must be 0-10, got 50",
            "spec.verfy: unknown field (did you mean verify? expected one of: compress,"
                + " compression, database, encryption, expectedSizeMiB, history, incremental,"
                + " notifications,"
                + " retention, retries, runner, schedule, storage, suspend, timeZone,"
                + " timeoutMinutes, type, verification, verify, window)");
  }

  @Test
  void brokenYamlSaysWhereWithoutTheParsersInsides() throws Exception {
    String message = refused("apiVersion: dbbackup.io/v1alpha1\nkind: DatabaseBackup\nspec: [\n");
    assertThat(message)
        .contains("not valid YAML: line ")
        .contains("expected the node content")
        .doesNotContain("in 'reader'", "^", "\n");
  }

  @Test
  void anIntOrStringQuantityTakesBothAndRefusesAList() throws Exception {
    Path f = dir.resolve("b.yaml");
    for (String ok : List.of("20Gi", "5")) {
      Files.writeString(f, ConfigLoaderTest.GOOD + "  runner: {scratchSizeLimit: " + ok + "}\n");
      assertThat(ConfigLoader.load(f, new SecretFiles(dir))).isNotNull();
    }
    assertThat(lines(refused(ConfigLoaderTest.GOOD + "  runner: {scratchSizeLimit: [5]}\n")))
        .containsExactly(
            "spec.runner.scratchSizeLimit: expected an integer or a string, got a list");
  }

  @Test
  void aStatusSentWithTheResourceIsIgnoredAsTheApiServerDoes() throws Exception {
    Path f = dir.resolve("b.yaml");
    Files.writeString(f, ConfigLoaderTest.GOOD + "status: {phase: Whatever, nonsense: 1}\n");
    assertThat(ConfigLoader.load(f, new SecretFiles(dir)).qualifiedName())
        .isEqualTo("shop/orders-db");
  }

  @Test
  void theExamplesLoadClean() throws Exception {
    List<Path> examples;
    try (Stream<Path> s = Files.list(Path.of("..", "examples"))) {
      examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      String kind =
          Files.readAllLines(example).stream()
              .filter(l -> l.startsWith("kind:"))
              .findFirst()
              .orElseThrow();
      if (kind.contains("DatabaseRestore")) {
        assertThat(ConfigLoader.loadRestore(example)).as(example.toString()).isNotNull();
      } else {
        assertThat(ConfigLoader.load(example, new SecretFiles(dir)))
            .as(example.toString())
            .isNotNull();
      }
    }
  }

  @Test
  void aRestoreReportsEveryProblemTogetherToo() throws Exception {
    Path f = dir.resolve("r.yaml");
    Files.writeString(
        f,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: r1, namespace: shop}
        spec:
          backupRef: {name: orders-db}
          backupId: latest
          target: {host: pg, port: 70000, user: postgres, sslMode: sometimes}
          databases: {orders: true}
        """);
    assertThatThrownBy(() -> ConfigLoader.loadRestore(f))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG);
              assertThat(lines(e.getMessage()))
                  .containsExactlyInAnyOrder(
                      "spec.target.port: must be 1-65535, got 70000",
                      "spec.target.sslMode: expected one of allow, disable, prefer, require,"
                          + " verify-ca, verify-full; got \"sometimes\"",
                      "spec.databases: expected a list, got a mapping");
            });
  }
}
