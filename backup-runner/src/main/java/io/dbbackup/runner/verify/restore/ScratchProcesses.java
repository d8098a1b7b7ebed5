package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes around a scratch cluster: a clean environment for them, whether the runner is root
 * (and a postgres OS user exists to run the server as), and ending what is left of them.
 */
final class ScratchProcesses {
  private ScratchProcesses() {}

  /** SIGKILL to a postmaster still named in {@code data/postmaster.pid}, and its children. */
  static void killFromPidFile(Path data) {
    Path pidFile = data.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      String first;
      try (Stream<String> lines = Files.lines(pidFile)) {
        first = lines.findFirst().orElse("").trim();
      }
      Optional<ProcessHandle> pm = ProcessHandle.of(Long.parseLong(first));
      if (pm.isEmpty()
          || !pm.get().info().command().map(c -> c.endsWith("/postgres")).orElse(false)) {
        return;
      }
      List<ProcessHandle> all = new ArrayList<>(pm.get().descendants().toList());
      all.add(pm.get());
      all.forEach(ProcessHandle::destroyForcibly);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < until) {
        sleep(20);
      }
    } catch (IOException | RuntimeException e) {
      // nothing to kill, or nothing we may kill
    }
  }

  /** Kills {@code p} and its descendants, and waits (up to 10 s) until they are gone. */
  static void end(Process p) {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : all) {
      while (h.isAlive() && System.nanoTime() < until) {
        try {
          h.onExit().get(100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException
            | java.util.concurrent.ExecutionException e) {
          // still alive: wait on
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Only PATH and a UTF-8 locale: no secret of the runner's environment reaches the server. */
  static void cleanEnv(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.clear();
    env.put("PATH", path + ":/usr/sbin:/sbin");
    env.put("LC_ALL", "C.UTF-8");
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  static boolean userExists(String name) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream()
          .anyMatch(l -> l.startsWith(name + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted");
    }
  }
}
