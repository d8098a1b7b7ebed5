package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL for verification by restore, from the server binaries next to the client
 * (the image's, the same major as pg_dumpall): {@code initdb} in a fresh folder of the pod's
 * scratch space, {@code fsync=off}, small {@code shared_buffers}, a Unix socket in that folder and
 * no TCP listener ({@code listen_addresses=''}), local connections trusted.
 *
 * <p>The server runs in a process group of its own under a watcher that sends it SIGQUIT (immediate
 * shutdown) when the runner closes the watcher's stdin or dies, so even a SIGKILLed runner leaves
 * no server running; {@link #close()} stops it and removes the folder in every case (it is also the
 * run's timeout and SIGTERM action), and {@link #sweep(Path)} removes the folders a killed runner
 * left behind. PostgreSQL refuses to run as root: when the runner is root and a {@code postgres} OS
 * user exists (a test machine), initdb and the server run as that user through {@code runuser}; in
 * the pod the runner is not root and runs them itself.
 */
public final class ScratchCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchCluster.class);

  /** Folders of scratch clusters are named so; nothing else in the scratch root is touched. */
  public static final String PREFIX = "dbbackup-verify-";

  /** The file in a scratch folder naming the runner process that owns it. */
  static final String OWNER_FILE = "owner";

  static final int PORT = 5432;

  /** The scratch emptyDir's mount path in the runner pod (the controller's RunnerPodTemplate). */
  public static final String POD_SCRATCH_DIR = "/var/lib/dbbackup-scratch";

  private static final Path POD_SCRATCH = Path.of(POD_SCRATCH_DIR);

  /** A Unix socket path must fit sockaddr_un (107 bytes on Linux). */
  private static final int MAX_SOCKET_PATH = 107;

  /** Sends the group SIGQUIT when the runner closes the watcher's stdin, or dies. */
  private static final String WATCHER =
      "unset PWD OLDPWD; exec 3<&0; { cat >/dev/null; kill -s QUIT -- \"-$$\"; } <&3 >/dev/null"
          + " 2>&1 & exec \"$@\" </dev/null 3<&-";

  private final PgTools tools;
  private final Path dir;
  private final String osUser;
  private final String superuser;
  private Process server;
  private boolean closed;

  private ScratchCluster(PgTools tools, Path dir, String osUser, String superuser) {
    this.tools = tools;
    this.dir = dir;
    this.osUser = osUser;
    this.superuser = superuser;
  }

  /**
   * Where scratch clusters go: {@code DBBACKUP_SCRATCH_DIR}, else the system property {@code
   * dbbackup.scratch.dir}, else {@value #POD_SCRATCH_DIR} when it exists (the emptyDir the
   * controller mounts in the runner pod), else the JVM's temporary directory.
   */
  public static Path root() {
    String env = System.getenv("DBBACKUP_SCRATCH_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String property = System.getProperty("dbbackup.scratch.dir");
    if (property != null) {
      return Path.of(property);
    }
    // The emptyDir the controller mounts for it in the runner pod.
    return Files.isDirectory(POD_SCRATCH)
        ? POD_SCRATCH
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * Creates and starts a scratch cluster under {@code root} whose bootstrap superuser is {@code
   * superuser} (a name the dump does not create).
   *
   * @throws RunnerException {@link ExitCode#VERIFICATION_FAILED} when the server binaries are
   *     missing or the cluster does not start, with what it said
   */
  public static ScratchCluster start(
      PgTools tools, Path root, String superuser, Duration startTimeout) {
    String initdb = tools.program("initdb");
    if (!Files.isExecutable(Path.of(initdb))
        || !Files.isExecutable(Path.of(tools.program("postgres")))) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "spec.verification.mode restore needs the PostgreSQL server binaries (initdb, postgres) of"
              + " the client's major next to pg_dumpall ("
              + initdb
              + " not found); use the runner image, which has them, or set PG_BIN");
    }
    String osUser = isRoot() && userExists("postgres") ? "postgres" : null;
    Path dir;
    try {
      Files.createDirectories(root);
      dir =
          Files.createDirectory(
              root.resolve(PREFIX + HexFormat.of().formatHex(new SecureRandom().generateSeed(6))),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE,
          "cannot create the scratch cluster's folder in " + root + ": " + e.getMessage(),
          e);
    }
    ScratchCluster c = new ScratchCluster(tools, dir, osUser, superuser);
    try {
      if (dir.resolve(".s.PGSQL." + PORT).toString().length() > MAX_SOCKET_PATH) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "the scratch folder "
                + dir
                + " is too long a path for a Unix socket; set DBBACKUP_SCRATCH_DIR to a shorter one");
      }
      c.writeOwner();
      if (osUser != null) {
        chown(dir, osUser);
      }
      c.initdb();
      c.startServer(startTimeout);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public String superuser() {
    return superuser;
  }

  /**
   * psql's arguments for {@code database} over the scratch socket (conninfo, so any name works).
   */
  public List<String> psql(String database, String... more) {
    List<String> args = new ArrayList<>();
    args.add("psql");
    args.add("-X");
    args.add("-d");
    args.add(
        "host='"
            + quote(dir.toString())
            + "' port="
            + PORT
            + " user='"
            + quote(superuser)
            + "' dbname='"
            + quote(database)
            + "'");
    args.addAll(List.of(more));
    return args;
  }

  /**
   * A new empty folder for the {@code n}-th tablespace of a restored dump, owned by the server's OS
   * user: the source's tablespace paths do not exist here.
   */
  public Path tablespaceDir(int n) {
    Path d = dir.resolve("tablespaces").resolve(Integer.toString(n));
    try {
      Files.createDirectories(
          d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (osUser != null) {
        chown(d.getParent(), osUser);
        chown(d, osUser);
      }
      return d;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether the server process is running. */
  public synchronized boolean running() {
    return server != null && server.isAlive();
  }

  /**
   * Stops the server (immediate shutdown, then SIGKILL to what is left) and removes the folder.
   * Safe to call more than once and from another thread (the run's timeout, SIGTERM).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopServer();
    killFromPidFile(dir.resolve("data"));
    deleteRecursively(dir);
  }

  /**
   * Removes the scratch folders under {@code root} whose runner is gone (a SIGKILLed run), stopping
   * any server still running there.
   *
   * @return how many folders were removed
   */
  public static int sweep(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      s.filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .filter(Files::isDirectory)
          .filter(p -> !ownerAlive(p))
          .forEach(stale::add);
    } catch (IOException e) {
      return 0;
    }
    for (Path p : stale) {
      killFromPidFile(p.resolve("data"));
      deleteRecursively(p);
      LOG.atWarn()
          .addKeyValue("event", "scratch_swept")
          .addKeyValue("dir", p.toString())
          .log("removed a scratch cluster an earlier run left behind");
    }
    return stale.size();
  }

  private void writeOwner() {
    ProcessHandle me = ProcessHandle.current();
    String start = me.info().startInstant().map(Object::toString).orElse("");
    try {
      Files.writeString(dir.resolve(OWNER_FILE), me.pid() + " " + start + "\n");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE, "cannot write to the scratch folder " + dir + ": " + e, e);
    }
  }

  /** The owner is alive when a process of that id runs and started when the file says. */
  static boolean ownerAlive(Path folder) {
    try {
      String[] f = Files.readString(folder.resolve(OWNER_FILE)).trim().split(" ", 2);
      Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(f[0]));
      if (p.isEmpty() || !p.get().isAlive()) {
        return false;
      }
      String start = p.get().info().startInstant().map(Object::toString).orElse("");
      return f.length < 2 || f[1].equals(start);
    } catch (IOException | RuntimeException e) {
      // No owner file (a crash right after mkdir) or a malformed one: nobody owns it.
      return false;
    }
  }

  private void initdb() {
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
          "initdb of the scratch cluster failed (exit " + status + "): " + tail(log));
    }
  }

  private void startServer(Duration timeout) {
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
            "port=" + PORT,
            "-c",
            "unix_socket_directories=" + dir,
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "wal_level=minimal",
            "-c",
            "max_wal_senders=0",
            "-c",
            "max_wal_size=128MB",
            "-c",
            "min_wal_size=32MB",
            "-c",
            "shared_buffers=32MB",
            "-c",
            "work_mem=8MB",
            "-c",
            "maintenance_work_mem=64MB",
            "-c",
            "max_connections=10",
            "-c",
            "autovacuum=off",
            "-c",
            "jit=off",
            "-c",
            "huge_pages=off",
            "-c",
            "log_min_messages=warning"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    cleanEnv(pb);
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("server.log").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    try {
      synchronized (this) {
        if (closed) {
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
            "the scratch server did not start: " + tail(dir.resolve("server.log")));
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
                + tail(dir.resolve("server.log")));
      }
      sleep(100);
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
            Integer.toString(PORT),
            "-U",
            superuser,
            "-d",
            "postgres",
            "-t",
            "2");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      cleanEnv(pb);
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

  private void stopServer() {
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

  /** SIGKILL to a postmaster still named in {@code data/postmaster.pid}, and its children. */
  private static void killFromPidFile(Path data) {
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

  private List<String> owner() {
    return osUser == null ? List.of() : List.of("runuser", "-u", osUser, "--");
  }

  private int runAsOwner(List<String> cmd, Path log, Duration timeout) {
    List<String> full = new ArrayList<>(owner());
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full);
    cleanEnv(pb);
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
        end(p);
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      // Stopped (SIGTERM, timeout) during initdb: end it before the folder is removed, or it
      // writes on into a folder being deleted and leaves part of one behind.
      end(p);
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while preparing the scratch cluster");
    }
  }

  /** Kills {@code p} and its descendants, and waits (up to 10 s) until they are gone. */
  private static void end(Process p) {
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

  static String quote(String conninfoValue) {
    return conninfoValue.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static boolean userExists(String name) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream()
          .anyMatch(l -> l.startsWith(name + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  private static void chown(Path path, String user) {
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal u = lookup.lookupPrincipalByName(user);
      GroupPrincipal g = lookup.lookupPrincipalByGroupName(user);
      Files.setOwner(path, u);
      Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(g);
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "cannot hand " + path + " to " + user + ": " + e, e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.atWarn()
                      .addKeyValue("event", "scratch_cleanup_failed")
                      .addKeyValue("path", p.toString())
                      .log("could not remove a scratch file; the next run removes it");
                }
              });
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "scratch_cleanup_failed")
          .addKeyValue("path", root.toString())
          .log("could not remove the scratch cluster's folder; the next run removes it");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted");
    }
  }
}
