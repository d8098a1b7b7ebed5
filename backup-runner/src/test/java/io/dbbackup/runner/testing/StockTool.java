package io.dbbackup.runner.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a stock tool (gunzip, zstd, gpg) as an independent oracle, files in and out. */
public final class StockTool {
  private StockTool() {}

  /** How the tool ended; stderr is kept for assertion messages. */
  public record Result(int exitCode, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command} with {@code stdin} (or nothing) and {@code stdout} (or discarded). */
  public static Result run(List<String> command, Path stdin, Path stdout, Map<String, String> env)
      throws IOException, InterruptedException {
    Path stderr = Files.createTempFile("stock-tool", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      pb.redirectInput(
          stdin == null
              ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
              : redirect(stdin));
      pb.redirectOutput(
          stdout == null
              ? ProcessBuilder.Redirect.DISCARD
              : ProcessBuilder.Redirect.to(stdout.toFile()));
      pb.redirectError(stderr.toFile());
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within 5 minutes");
      }
      return new Result(p.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  public static Result run(List<String> command, Path stdin, Path stdout)
      throws IOException, InterruptedException {
    return run(command, stdin, stdout, Map.of());
  }

  /** Runs a shell pipeline (bash -o pipefail), for chains such as {@code gpg -d | gunzip}. */
  public static Result shell(String script, Map<String, String> env)
      throws IOException, InterruptedException {
    return run(List.of("bash", "-o", "pipefail", "-c", script), null, null, env);
  }

  private static ProcessBuilder.Redirect redirect(Path stdin) {
    return ProcessBuilder.Redirect.from(stdin.toFile());
  }
}
