package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.config.ConfigLoader;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user of the runner on its own does, as the README says it, command by command: the
 * README's own lines of "The runner, on its own" (first backup, list, verify, verify by restore,
 * prune, restore) run through scripts/backup-runner with examples/local's files (their ports and
 * path set to the test's servers, the secrets laid out as examples/local/README.md says), against
 * servers with password (scram) authentication; then the README's stock-tool restore into a second
 * server. Both restored servers hold what the source held.
 */
class NewUserIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path README = ROOT.resolve("README.md");
  private static final Path EXAMPLES = ROOT.resolve("examples/local");

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  record Run(int exit, String output) {
    /** The last lines, for a failure message of a few lines. */
    String tail() {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
    }
  }

  private static String readme() throws Exception {
    assumeTrue(Files.exists(README), "README.md beside the module");
    return Files.readString(README);
  }

  /** The README's code block under "The runner, on its own": its backup-runner lines. */
  private static List<String> runnerLines() throws Exception {
    String text = readme();
    int section = text.indexOf("## The runner, on its own");
    assertThat(section).as("the README's section for the runner on its own").isPositive();
    int start = text.indexOf("```sh\n", section);
    String block = text.substring(start + 6, text.indexOf("```", start + 6));
    return block.lines().filter(l -> l.startsWith("scripts/backup-runner ")).toList();
  }

  /** examples/local/NAME with the test's values in place of the example's. */
  private Path example(String name, Map<String, String> replacements) throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve(name));
    for (var r : replacements.entrySet()) {
      assertThat(yaml).as("examples/local/%s has %s", name, r.getKey()).contains(r.getKey());
      yaml = yaml.replace(r.getKey(), r.getValue());
    }
    Path file = dir.resolve("examples/local").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }

  private void secret(String path, String value) throws Exception {
    Path file = dir.resolve("examples/local/secrets").resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  private Run bash(String command, Path cwd, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
            .directory(cwd.toFile())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("finished: %s", command).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void theReadmesRunnerCommandsAndStockRestoreWorkOnTheFirstTry() throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("backup-runner/target/backup-runner.jar")),
        "the runner jar is built (mvn package)");
    List<String> lines = runnerLines();
    assertThat(lines).as("backup, list, verify, verify --restore, prune, restore").hasSize(6);
    PostgresCluster source = pgExtension.cluster();
    SampleData.load(source);
    Path backups = dir.resolve("backups");

    try (PostgresCluster byRunner = PostgresCluster.start();
        PostgresCluster byStockTools = PostgresCluster.start()) {
      assertThat(source.host()).isEqualTo("127.0.0.1");
      Path config =
          example(
              "databasebackup.yaml",
              Map.of(
                  "    port: 5432\n", "    port: " + source.port() + "\n",
                  "path: /var/tmp/dbbackup/backups}", "path: " + backups + "}"));
      example(
          "databaserestore.yaml",
          Map.of("    port: 5433\n", "    port: " + byRunner.port() + "\n"));
      // The layout examples/local/README.md gives.
      String layout = Files.readString(EXAMPLES.resolve("README.md"));
      assertThat(layout).contains("pg-local/password").contains("pg-target/password");
      secret("pg-local/password", source.password());
      secret("pg-target/password", byRunner.password());
      // The examples load as the runner reads them.
      BackupConfig loaded =
          ConfigLoader.load(config, new SecretFiles(dir.resolve("examples/local/secrets")));
      assertThat(loaded.qualifiedName()).isEqualTo("default/local");

      // Where verify --restore puts its scratch cluster: a directory the server's OS user can
      // enter (as root it runs as postgres, which the test's private temporary directory shuts
      // out).
      Path scratch =
          Files.createTempDirectory(
              "dbbackup-newuser-",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
      Map<String, String> env =
          Map.of(
              "PATH",
              source.binDir() + ":" + System.getenv("PATH"),
              "DBBACKUP_SCRATCH_DIR",
              scratch.toString());
      List<String> outputs = new ArrayList<>();
      for (String line : lines) {
        String command =
            line.replace("scripts/backup-runner ", ROOT.resolve("scripts/backup-runner") + " ")
                .replace("examples/local/", dir.resolve("examples/local") + "/");
        Run run = bash(command, dir, env);
        assertThat(run.exit()).as("%s%n%s", line, run.tail()).isZero();
        outputs.add(run.output());
      }
      try (Stream<Path> left = Files.list(scratch)) {
        assertThat(left.toList()).as("scratch clusters removed").isEmpty();
      }
      Files.delete(scratch);
      Path backup;
      try (Stream<Path> ids = Files.list(backups.resolve("default/local"))) {
        List<Path> folders = ids.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        assertThat(folders).as("one backup").hasSize(1);
        backup = folders.getFirst();
      }
      String id = backup.getFileName().toString();
      assertThat(outputs.get(1)).as("list").contains(id);
      assertThat(outputs.get(2)).as("verify").contains("backup " + id + " verified");
      assertThat(outputs.get(3)).as("verify --restore").contains("verified by restore");
      assertThat(outputs.get(5)).as("restore").contains("restored backup " + id);
      assertThat(digest(byRunner)).isEqualTo(digest(source));

      // The README's stock-tool restore, in the backup's folder, into the other server.
      List<String> stock =
          readme().lines().filter(l -> l.startsWith("gunzip -c dump.sql.gz | ")).toList();
      assertThat(stock).as("the README's restore command").hasSize(1);
      Map<String, String> stockEnv =
          Map.of(
              "PATH", byStockTools.binDir() + ":" + System.getenv("PATH"),
              "PGPASSWORD", byStockTools.password(),
              "PGPORT", Integer.toString(byStockTools.port()));
      assertThat(bash("sha256sum -c dump.sql.gz.sha256", backup, stockEnv).exit()).isZero();
      Run restored =
          bash(stock.getFirst().replace("<target>", byStockTools.host()), backup, stockEnv);
      assertThat(restored.exit()).as(restored.tail()).isZero();
      assertThat(restored.output()).doesNotContain("password authentication failed");
      assertThat(digest(byStockTools)).isEqualTo(digest(source));
    }
  }

  /** What a restore must reproduce: all but the runner's history and the server's own login. */
  private static Map<String, String> digest(PostgresCluster pg) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }
}
