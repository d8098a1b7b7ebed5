package io.dbbackup.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs stock command-line tools (sha256sum, gunzip, psql) as independent oracles. */
public final class StockTools {
  private StockTools() {}

  /** Output and exit status of a command. */
  public record Run(int exitCode, String output) {}

  public static Run run(Path workDir, Map<String, String> env, String... cmd) {
    try {
      Path out = Files.createTempFile("stock-tool-", ".out");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + List.of(cmd));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a shell pipeline with bash -o pipefail, so any failing stage fails the run. */
  public static Run shell(Path workDir, Map<String, String> env, String pipeline) {
    return run(workDir, env, "bash", "-o", "pipefail", "-c", pipeline);
  }
}
