package io.dbbackup.runner.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running pg_dumpall: its stdout is the dump; its stderr is logged line by line and the last
 * lines are kept for the failure message. Started by {@link PgTools#startInOwnGroup} it leads its
 * own process group, so stopping it ends the shell and pg_dump it started too, and a watcher in the
 * group ends the group when the runner dies (its stdin, held by the runner, reaches end of file).
 */
public final class DumpProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DumpProcess.class);
  private static final int STDERR_LINES_KEPT = 20;

  private final Process process;
  private final String program;
  private final ProcessGroup group;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Thread stderrReader;
  private final Object killing = new Object();

  public DumpProcess(Process process, String program) {
    this.process = process;
    this.program = program;
    // The group is the process's own only when it was started as a session leader.
    this.group =
        ProcessGroup.groupOf(process.pid()).orElse(-1) == process.pid()
            ? new ProcessGroup(process.pid())
            : null;
    this.stderrReader =
        Thread.ofPlatform().daemon().name(program + "-stderr").start(this::drainStderr);
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public long pid() {
    return process.pid();
  }

  public String program() {
    return program;
  }

  /** The process group the dump leads, or null when it runs in the runner's group. */
  public ProcessGroup group() {
    return group;
  }

  /** Waits for the process to exit and its stderr to be read; returns the exit status. */
  public int waitFor() throws InterruptedException {
    int status = process.waitFor();
    stderrReader.join(TimeUnit.SECONDS.toMillis(10));
    return status;
  }

  /** The last lines pg_dumpall wrote to stderr, joined; empty when it wrote none. */
  public synchronized String stderrTail() {
    return String.join(" | ", stderrTail);
  }

  /**
   * Stops the process and everything it started: SIGTERM to its group, SIGKILL after a grace
   * period. Without a group of its own, the process and its descendants are signalled one by one.
   */
  public void kill() {
    synchronized (killing) {
      killQuietly();
    }
  }

  private void killQuietly() {
    closeStdin();
    boolean interrupted = Thread.interrupted();
    try {
      if (group != null) {
        if (!group.end(TimeUnit.SECONDS.toMillis(5))) {
          LOG.atWarn()
              .addKeyValue("event", "dump_not_stopped")
              .addKeyValue("pgid", group.id())
              .log(program + "'s process group did not end after SIGKILL");
        }
        process.waitFor(10, TimeUnit.SECONDS);
        return;
      }
      if (!process.isAlive()) {
        return;
      }
      var descendants = process.descendants().toList();
      process.destroy();
      descendants.forEach(ProcessHandle::destroy);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      descendants.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The watcher's signal: end of file on its stdin ends the group (when it is still there). */
  private void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    kill();
  }

  private void drainStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOG.atWarn().addKeyValue("event", "dump_stderr").addKeyValue("program", program).log(line);
        synchronized (this) {
          if (stderrTail.size() == STDERR_LINES_KEPT) {
            stderrTail.removeFirst();
          }
          stderrTail.addLast(line);
        }
      }
    } catch (IOException e) {
      // the process went away; what was read is kept
    }
  }
}
