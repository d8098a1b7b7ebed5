package io.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the machine's PostgreSQL server binaries: $PG_BIN, else the newest /usr/lib/postgresql. */
public final class PostgresBinaries {
  private PostgresBinaries() {}

  /** The bin directory holding initdb, pg_ctl and postgres. */
  public static Path binDir() {
    String env = System.getenv("PG_BIN");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env, "initdb"))) {
      return Path.of(env);
    }
    return newestUnder(Path.of("/usr/lib/postgresql"))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no PostgreSQL server binaries: install postgresql (Debian) or set PG_BIN to"
                        + " the directory holding initdb and pg_ctl"));
  }

  static Optional<Path> newestUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
