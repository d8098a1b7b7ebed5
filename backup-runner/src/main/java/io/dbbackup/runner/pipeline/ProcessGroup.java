package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process group on Linux, read from /proc and signalled with the shell's kill (Java can signal
 * single processes only): a program started in its own session is ended with all its children,
 * including those that were reparented when their parent died.
 */
public final class ProcessGroup {
  private static final Path PROC = Path.of("/proc");

  private final long pgid;

  public ProcessGroup(long pgid) {
    this.pgid = pgid;
  }

  public long id() {
    return pgid;
  }

  /** The group of a running process, from /proc/PID/stat; empty off Linux or once it is gone. */
  public static OptionalLong groupOf(long pid) {
    String[] f = statFields(PROC.resolve(Long.toString(pid)).resolve("stat"));
    return f == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[2]));
  }

  /** The live (not zombie) processes of the group. */
  public List<Long> members() {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(PROC)) {
      entries
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                String[] f = statFields(p.resolve("stat"));
                if (f != null && !"Z".equals(f[0]) && Long.parseLong(f[2]) == pgid) {
                  pids.add(Long.parseLong(p.getFileName().toString()));
                }
              });
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: nothing to report
    }
    return pids;
  }

  public boolean alive() {
    return !members().isEmpty();
  }

  /** Sends {@code signal} (TERM, KILL) to every process of the group; false if none was there. */
  public boolean signal(String signal) {
    try {
      Process kill =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "kill -s \"$1\" -- \"-$2\" 2>/dev/null",
                  "kill",
                  signal,
                  Long.toString(pgid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.getOutputStream().close();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Ends the group: SIGTERM, then SIGKILL to what is left after {@code patience}; waits (at most
   * ten more seconds) until no live process is left. True when none is.
   */
  public boolean end(long patienceMillis) {
    if (!alive()) {
      return true;
    }
    signal("TERM");
    if (awaitEmpty(patienceMillis)) {
      return true;
    }
    signal("KILL");
    return awaitEmpty(10_000);
  }

  private boolean awaitEmpty(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = false;
    try {
      while (alive()) {
        if (System.nanoTime() > until) {
          return false;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          interrupted = true; // the group is ended all the same
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The fields of a stat file after the command name: state, ppid, pgrp, ...; null if gone. */
  private static String[] statFields(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.UTF_8);
      int end = s.lastIndexOf(')');
      return end < 0 ? null : s.substring(end + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
