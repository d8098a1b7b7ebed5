package io.dbbackup.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs stock command-line tools (sha256sum, gunzip, zstd, gpg, psql) as independent oracles: either
 * in a working directory with output captured ({@link #run(Path, Map, String...)}), or with files
 * as stdin and stdout ({@link #run(List, Path, Path, Map)}).
 */
public final class StockTools {
  private StockTools() {}

  /** Exit status and everything the tool printed (stdout and stderr). */
  public record Run(int exitCode, String output) {}

  /** Exit status and stderr, for tools whose stdout went to a file. */
  public record Result(int exitCode, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  public static Run run(Path workDir, Map<String, String> env, String... cmd) {
    try {
      Path out = Files.createTempFile("stock-tool-", ".out");
      try {
        int code =
            exec(
                List.of(cmd),
                workDir,
                env,
                ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()),
                ProcessBuilder.Redirect.to(out.toFile()),
                null);
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8));
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

  /** Runs {@code command} with {@code stdin} (or nothing) and {@code stdout} (or discarded). */
  public static Result run(List<String> command, Path stdin, Path stdout, Map<String, String> env)
      throws IOException, InterruptedException {
    Path stderr = Files.createTempFile("stock-tool-", ".err");
    try {
      int code =
          exec(
              command,
              null,
              env,
              ProcessBuilder.Redirect.from((stdin == null ? Path.of("/dev/null") : stdin).toFile()),
              stdout == null
                  ? ProcessBuilder.Redirect.DISCARD
                  : ProcessBuilder.Redirect.to(stdout.toFile()),
              stderr);
      return new Result(code, Files.readString(stderr, StandardCharsets.UTF_8));
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

  /** Runs a command to its end (at most 10 minutes); stderr joins stdout unless given a file. */
  private static int exec(
      List<String> command,
      Path workDir,
      Map<String, String> env,
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout,
      Path stderr)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    pb.redirectInput(stdin).redirectOutput(stdout);
    if (stderr == null) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(stderr.toFile());
    }
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within 10 minutes");
    }
    return p.exitValue();
  }
}
