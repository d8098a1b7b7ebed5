package io.dbbackup.runner.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The dump processes a runner started against one test server, found in /proc by their libpq
 * environment (PGPORT of the server, PGAPPNAME of the runner): pg_dumpall, the shell it starts,
 * pg_dump, and the runner's group watcher, whoever their parent is now.
 */
public final class DumpProcesses {
  private DumpProcesses() {}

  /** "pid cmdline" of each live process with the runner's libpq environment for {@code port}. */
  public static List<String> of(int port) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path p : entries.toList()) {
        String pid = p.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit) || pid.equals(Long.toString(self()))) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
            continue;
          }
          List<String> env =
              List.of(
                  new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8)
                      .split("\0"));
          if (env.contains("PGPORT=" + port) && env.contains("PGAPPNAME=dbbackup-runner")) {
            String cmd =
                new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .strip();
            found.add(pid + " " + cmd);
          }
        } catch (IOException | RuntimeException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return found;
  }

  /** Polls until {@code condition} holds or {@code seconds} pass; the condition's last value. */
  public static boolean await(int seconds, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        return condition.getAsBoolean();
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static long self() {
    return ProcessHandle.current().pid();
  }
}
