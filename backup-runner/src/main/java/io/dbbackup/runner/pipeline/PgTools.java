package io.dbbackup.runner.pipeline;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL client programs: $PG_BIN, else the newest /usr/lib/postgresql/N/bin (a
 * client dumps servers of its own major version and older), else the PATH.
 */
public final class PgTools {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?");

  private final Path binDir;

  private PgTools(Path binDir) {
    this.binDir = binDir;
  }

  public static PgTools locate() {
    String env = System.getenv("PG_BIN");
    if (env != null && !env.isBlank()) {
      return new PgTools(Path.of(env));
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest =
            versions
                .filter(v -> v.getFileName().toString().matches("\\d+"))
                .filter(v -> Files.isExecutable(v.resolve("bin/pg_dumpall")))
                .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())));
        if (newest.isPresent()) {
          return new PgTools(newest.get().resolve("bin"));
        }
      } catch (IOException ignored) {
        // fall back to the PATH
      }
    }
    return new PgTools(null);
  }

  /** The absolute path of a client program, or its bare name to be found on the PATH. */
  public String program(String name) {
    return binDir == null ? name : binDir.resolve(name).toString();
  }

  /** {@code pg_dumpall --version}, e.g. "pg_dumpall (PostgreSQL) 15.18". */
  public String version(String name) {
    List<String> cmd = List.of(program(name), "--version");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new RunnerException(ExitCode.DUMP_FAILED, name + " --version failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.DUMP_FAILED,
          name + " not found (" + program(name) + "); install the PostgreSQL client or set PG_BIN",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted", e);
    }
  }

  /** The major version in a --version line or a server_version string, or -1. */
  public static int majorVersion(String versionText) {
    Matcher m = VERSION.matcher(versionText);
    if (m.find()) {
      return Integer.parseInt(m.group(1));
    }
    Matcher plain = Pattern.compile("^(\\d+)").matcher(versionText.trim());
    return plain.find() ? Integer.parseInt(plain.group(1)) : -1;
  }

  /**
   * Starts a client program with only the given environment (plus PATH and a UTF-8 locale): the
   * runner's own environment, and any secret in it, is not inherited.
   */
  public Process start(List<String> args, Map<String, String> env) throws IOException {
    return start(
        args,
        env,
        ProcessBuilder.Redirect.from(new java.io.File("/dev/null")),
        ProcessBuilder.Redirect.PIPE);
  }

  /**
   * The wrapper {@link #startInOwnGroup} runs in a new session (setsid): a watcher that ends the
   * whole process group when the runner closes its stdin or dies, then the program itself (exec, so
   * it keeps the wrapper's process ID, which is the group's).
   */
  static final String GROUP_WRAPPER =
      "unset PWD OLDPWD; exec 3<&0; { cat >/dev/null; kill -s TERM -- \"-$$\"; } <&3 >/dev/null 2>&1 &"
          + " exec \"$@\" </dev/null 3<&-";

  /**
   * As {@link #start(List, Map)}, with the program leading a process group of its own (with setsid,
   * when found), so that {@link ProcessGroup} ends it and every child it started; its stdin is a
   * pipe the runner holds open: when it closes (the runner stopped the dump, or died), the group is
   * sent SIGTERM.
   */
  public Process startInOwnGroup(List<String> args, Map<String, String> env) throws IOException {
    String setsid = findOnPath("setsid");
    if (setsid == null) {
      return start(args, env);
    }
    List<String> cmd = new ArrayList<>(List.of(setsid, "sh", "-c", GROUP_WRAPPER, "dbbackup-dump"));
    cmd.add(program(args.getFirst()));
    cmd.addAll(args.subList(1, args.size()));
    return startResolved(cmd, env, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
  }

  /**
   * As {@link #start(List, Map, ProcessBuilder.Redirect, ProcessBuilder.Redirect)}, in a session of
   * its own (setsid, when found, which execs in place: the program keeps the process ID, which is
   * its group's), so that {@link ProcessGroup} ends it with any child it started. Its stdin is the
   * runner's to write (psql reading a restore): when the runner dies, psql reads the end.
   */
  public Process startInOwnSession(
      List<String> args,
      Map<String, String> env,
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout)
      throws IOException {
    String setsid = findOnPath("setsid");
    if (setsid == null) {
      return start(args, env, stdin, stdout);
    }
    List<String> cmd = new ArrayList<>(List.of(setsid, program(args.getFirst())));
    cmd.addAll(args.subList(1, args.size()));
    return startResolved(cmd, env, stdin, stdout);
  }

  private static String findOnPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : (path + ":/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  /** As {@link #start(List, Map)}, with the given stdin and stdout. */
  public Process start(
      List<String> args,
      Map<String, String> env,
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout)
      throws IOException {
    List<String> cmd = new ArrayList<>(args);
    cmd.set(0, program(args.getFirst()));
    return startResolved(cmd, env, stdin, stdout);
  }

  private static Process startResolved(
      List<String> cmd,
      Map<String, String> env,
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> childEnv = pb.environment();
    String path = childEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    childEnv.clear();
    childEnv.put("PATH", path);
    childEnv.put("LC_ALL", "C.UTF-8");
    childEnv.putAll(env);
    pb.redirectInput(stdin);
    pb.redirectOutput(stdout);
    return pb.start();
  }
}
