package io.dbbackup.runner.support;

import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.testing.PostgresCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A DatabaseBackup resource pointing at a real throwaway cluster, its secrets as mounted files, and
 * a volume target directory; runs the runner in-process as the CronJob would run the jar.
 */
public final class BackupFixture {
  private final Path dir;
  private final Path target;
  private final Path secrets;
  private final PostgresCluster pg;
  private String name = "orders-db";
  private String namespace = "shop";
  private final List<String> extraSpec = new ArrayList<>();
  private String connectRetry = "{attempts: 1, initialIntervalSeconds: 1}";
  private String retention = "{days: 30, minKeep: 1}";

  public BackupFixture(Path dir, PostgresCluster pg) {
    this.dir = dir;
    this.pg = pg;
    this.target = dir.resolve("backups");
    this.secrets = dir.resolve("secrets");
    try {
      Files.createDirectories(secrets.resolve("pg-backup"));
      Files.writeString(secrets.resolve("pg-backup/password"), pg.password() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public BackupFixture name(String n) {
    this.name = n;
    return this;
  }

  public BackupFixture connectRetry(int attempts, int initialIntervalSeconds) {
    this.connectRetry =
        "{attempts: " + attempts + ", initialIntervalSeconds: " + initialIntervalSeconds + "}";
    return this;
  }

  public BackupFixture retention(int days, int minKeep) {
    this.retention = "{days: " + days + ", minKeep: " + minKeep + "}";
    return this;
  }

  /** spec.retention as a YAML flow mapping, e.g. "{days: 1, keepDaily: 7}". */
  public BackupFixture retention(String flowMapping) {
    this.retention = flowMapping;
    return this;
  }

  /** Adds a line under spec (indented by the caller's two spaces), e.g. "verify: false". */
  public BackupFixture spec(String line) {
    extraSpec.add(line);
    return this;
  }

  public BackupFixture target(Path newTarget) {
    return new BackupFixture(dir, pg, newTarget, this);
  }

  private BackupFixture(Path dir, PostgresCluster pg, Path target, BackupFixture from) {
    this.dir = dir;
    this.pg = pg;
    this.target = target;
    this.secrets = from.secrets;
    this.name = from.name;
    this.namespace = from.namespace;
    this.extraSpec.addAll(from.extraSpec);
    this.connectRetry = from.connectRetry;
    this.retention = from.retention;
  }

  /**
   * Copies every folder and file under {@code otherTarget} (another fixture's target, e.g. backups
   * made once for a whole class) into this fixture's target, for a test to change its own copy.
   */
  public BackupFixture copyTargetOf(Path otherTarget) {
    try (Stream<Path> paths = Files.walk(otherTarget)) {
      for (Path p : paths.sorted().toList()) {
        Path to = target.resolve(otherTarget.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Path target() {
    return target;
  }

  public Path secretsDir() {
    return secrets;
  }

  /** Where this resource's backups are: target/namespace/name. */
  public Path backupsRoot() {
    return target.resolve(namespace).resolve(name);
  }

  public String yaml() {
    StringBuilder sb =
        new StringBuilder(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseBackup
            metadata:
              name: %s
              namespace: %s
            spec:
              retention: %s
              database:
                host: %s
                port: %d
                user: postgres
                passwordSecretRef: {name: pg-backup, key: password}
                connectRetry: %s
              storage:
                volume: {path: %s}
            """
                .formatted(name, namespace, retention, pg.host(), pg.port(), connectRetry, target));
    extraSpec.forEach(line -> sb.append("  ").append(line).append('\n'));
    return sb.toString();
  }

  public Path writeConfig() {
    Path file = dir.resolve(name + ".yaml");
    try {
      Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** What a command printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  public Result run(RunSettings settings, String command, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(command);
    argv.addAll(List.of(args));
    argv.addAll(List.of("-f", writeConfig().toString(), "--secrets-dir", secrets.toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RunnerMain.commandLine(settings, new PrintWriter(out), new PrintWriter(err))
            .execute(argv.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  public Result backup(RunSettings settings) {
    return run(settings, "backup");
  }

  public Result backup() {
    return backup(testSettings());
  }

  /** Default settings with a short progress interval, so progress lines show in tests. */
  public static RunSettings testSettings() {
    return RunSettings.defaults().withProgressInterval(java.time.Duration.ofMillis(200));
  }

  /**
   * The backup folders on disk (with or without manifest), oldest first: not the runner's state
   * (dot-folders) nor the chunk folder of incremental backups.
   */
  public List<Path> folders() {
    if (!Files.isDirectory(backupsRoot())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(backupsRoot())) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> !p.getFileName().toString().equals(ChunkStore.FOLDER))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file under the target, for "nothing was written" checks. */
  public List<Path> allFiles() {
    if (!Files.exists(target)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(target)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
