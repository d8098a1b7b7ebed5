package io.dbbackup.runner.config;

import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Secrets as mounted files: a {@code secretRef {name, key}} is the file {@code DIR/<name>/<key>},
 * as the controller mounts each referenced Secret at {@code /var/run/dbbackup/secrets/<name>}.
 */
public final class SecretFiles {
  public static final Path DEFAULT_DIR = Path.of("/var/run/dbbackup/secrets");

  private final Path dir;

  public SecretFiles(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The value of one key; a single trailing newline (as `echo` leaves) is dropped. */
  public Secret read(String field, SecretKeyRef ref) {
    Path file = dir.resolve(ref.getName()).resolve(ref.getKey());
    return new Secret(stripNewline(readFile(field, file)));
  }

  /** Every key of a Secret, in name order; data files only (Kubernetes adds ..data links). */
  public Map<String, Secret> readAll(String field, SecretRef ref) {
    Path secretDir = dir.resolve(ref.getName());
    if (!Files.isDirectory(secretDir)) {
      throw missing(field, secretDir);
    }
    Map<String, Secret> values = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(secretDir)) {
      for (Path file :
          files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
        if (Files.isRegularFile(file)) {
          values.put(file.getFileName().toString(), new Secret(readFile(field, file)));
        }
      }
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG, field + ": cannot read secret directory " + secretDir, e);
    }
    if (values.isEmpty()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG, field + ": secret directory " + secretDir + " has no keys");
    }
    return values;
  }

  private String readFile(String field, Path file) {
    if (!Files.isRegularFile(file)) {
      throw missing(field, file);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          field + ": cannot read secret file " + file + ": " + e.getClass().getSimpleName(),
          e);
    }
  }

  private RunnerException missing(String field, Path path) {
    return new RunnerException(
        ExitCode.INVALID_CONFIG,
        field
            + ": secret file "
            + path
            + " not found (mount the Secret there, or point --secrets-dir at the directory"
            + " holding <secret-name>/<key> files)");
  }

  private static String stripNewline(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
