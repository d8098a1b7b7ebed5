package io.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PostgreSQL command-line tools for {@link PostgresCluster}: from the root directory, with
 * stdout and stderr captured together through a temp file, at most five minutes, failing with the
 * output when the exit code is not 0.
 */
final class Commands {
  private Commands() {}

  /** Runs {@code cmd} with {@code env} added to the JVM's environment; returns its output. */
  static String run(List<String> cmd, Map<String, String> env) {
    Path out = null;
    try {
      out = Files.createTempFile("dbbackup-pg-cmd-", ".out");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectOutput(out.toFile());
      // The server's OS user may not be able to enter the caller's working directory.
      pb.directory(Path.of("/").toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", cmd));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "command failed (exit "
                + p.exitValue()
                + "): "
                + String.join(" ", cmd)
                + "\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      deleteQuietly(out);
    }
  }

  private static void deleteQuietly(Path out) {
    if (out != null) {
      try {
        Files.deleteIfExists(out);
      } catch (IOException ignored) {
        // a temp file; the OS cleans /tmp
      }
    }
  }
}
