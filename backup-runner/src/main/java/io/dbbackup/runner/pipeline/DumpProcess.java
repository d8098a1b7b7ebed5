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
 * lines are kept for the failure message.
 */
public final class DumpProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DumpProcess.class);
  private static final int STDERR_LINES_KEPT = 20;

  private final Process process;
  private final String program;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Thread stderrReader;

  public DumpProcess(Process process, String program) {
    this.process = process;
    this.program = program;
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

  /** Stops the process: SIGTERM, then SIGKILL after a grace period. */
  public void kill() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
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
