package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server of a {@link ScratchCluster}: {@code initdb}, then {@code postgres} in a
 * process group of its own under a watcher that sends the group SIGQUIT (immediate shutdown) when
 * the runner closes the watcher's stdin or dies; as the postgres OS user ({@code runuser}) when the
 * runner is root.
 */
final class ScratchServer {
  /** Sends the group SIGQUIT when the runner closes the watcher's stdin, or dies. */
  private static final String WATCHER =
      "unset PWD OLDPWD; exec 3<&0; { cat >/dev/null; kill -s QUIT -- \"-$$\"; } <&3 >/dev/null"
          + " 2>&1 & exec \"$@\" </dev/null 3<&-";

  /** A throwaway server's settings: fast, small, nothing kept that a crash would need. */
  private static final List<String> SERVER_SETTINGS =
      List.of(
          "fsync=off",
          "full_page_writes=off",
          "synchronous_commit=off",
          "wal_level=minimal",
          "max_wal_senders=0",
          "max_wal_size=128MB",
          "min_wal_size=32MB",
          "shared_buffers=32MB",
          "work_mem=8MB",
          "maintenance_work_mem=64MB",
          "max_connections=10",
          "autovacuum=off",
          "jit=off",
          "huge_pages=off",
          "log_min_messages=warning");

  private final PgTools tools;
  private final Path dir;
  private final String osUser;
  private final String superuser;
  private Process server;
  private boolean stopped;

  ScratchServer(PgTools tools, Path dir, String osUser, String superuser) {
    this.tools = tools;
    this.dir = dir;
    this.osUser = osUser;
    this.superuser = superuser;
  }

  /** Whether the server process is running. */
  synchronized boolean running() {
    return server != null && server.isAlive();
  }

  /** A fresh data folder, the bootstrap superuser trusted locally. */
  void initdb() {
    List<String> cmd =
        List.of(
            tools.program("initdb"),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            superuser,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions");
    Path log = dir.resolve("initdb.log");
    int status = runAsOwner(cmd, log, Duration.ofMinutes(2));
    if (status != 0) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "initdb of the scratch cluster failed (exit " + status + "): " + ScratchFolder.tail(log));
    }
  }

  /** Starts the server and waits until it accepts connections. */
  void start(Duration timeout) {
    List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", WATCHER, "dbbackup-scratch"));
    cmd.addAll(owner());
    cmd.addAll(
        List.of(
            tools.program("postgres"),
            "-D",
            dir.resolve("data").toString(),
            "-c",
            "listen_addresses=",
            "-c",
            "port=" + ScratchCluster.PORT,
            "-c",
            "unix_socket_directories=" + dir));
    for (String setting : SERVER_SETTINGS) {
      cmd.addAll(List.of("-c", setting));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    ScratchProcesses.cleanEnv(pb);
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("server.log").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    try {
      synchronized (this) {
        if (stopped) {
          throw new RunnerException(ExitCode.FAILED, "the scratch cluster was stopped");
        }
        server = pb.start();
      }
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "cannot start the scratch server: " + e.getMessage(), e);
    }
    long until = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!running()) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "the scratch server did not start: " + ScratchFolder.tail(dir.resolve("server.log")));
      }
      if (ready()) {
        return;
      }
      if (System.nanoTime() > until) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "the scratch server was not ready within "
                + timeout.toSeconds()
                + " s: "
                + ScratchFolder.tail(dir.resolve("server.log")));
      }
      ScratchProcesses.sleep(100);
    }
  }

  private boolean ready() {
    List<String> cmd =
        List.of(
            tools.program("pg_isready"),
            "-q",
            "-h",
            dir.toString(),
            "-p",
            Integer.toString(ScratchCluster.PORT),
            "-U",
            superuser,
            "-d",
            "postgres",
            "-t",
            "2");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      ScratchProcesses.cleanEnv(pb);
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while starting the scratch server");
    }
  }

  /**
   * Stops the server: immediate shutdown, then SIGKILL to what is left; once stopped it does not
   * start.
   */
  synchronized void stop() {
    stopped = true;
    Process p = server;
    if (p == null) {
      return;
    }
    List<ProcessHandle> group = new ArrayList<>(p.descendants().toList());
    try {
      // The watcher sends the whole group SIGQUIT: immediate shutdown, nothing worth keeping.
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // the watcher is gone already
    }
    boolean interrupted = Thread.interrupted();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until
          && (p.isAlive() || group.stream().anyMatch(ProcessHandle::isAlive))) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      group.addAll(p.descendants().toList());
      group.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private List<String> owner() {
    return osUser == null ? List.of() : List.of("runuser", "-u", osUser, "--");
  }

  private int runAsOwner(List<String> cmd, Path log, Duration timeout) {
    List<String> full = new ArrayList<>(owner());
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full);
    ScratchProcesses.cleanEnv(pb);
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "cannot run " + cmd.getFirst() + ": " + e.getMessage(), e);
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ScratchProcesses.end(p);
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      // Stopped (SIGTERM, timeout) during initdb: end it before the folder is removed, or it
      // writes on into a folder being deleted and leaves part of one behind.
      ScratchProcesses.end(p);
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while preparing the scratch cluster");
    }
  }
}
