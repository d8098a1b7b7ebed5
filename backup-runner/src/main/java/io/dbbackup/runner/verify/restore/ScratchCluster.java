package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

  static final int PORT = 5432;

  /** The scratch emptyDir's mount path in the runner pod (the controller's RunnerPodTemplate). */
  public static final String POD_SCRATCH_DIR = "/var/lib/dbbackup-scratch";

  private static final Path POD_SCRATCH = Path.of(POD_SCRATCH_DIR);

  /** A Unix socket path must fit sockaddr_un (107 bytes on Linux). */
  private static final int MAX_SOCKET_PATH = 107;

  private final PgTools tools;
  private final Path dir;
  private final String osUser;
  private final String superuser;
  private final ScratchServer server;
  private boolean closed;

  private ScratchCluster(PgTools tools, Path dir, String osUser, String superuser) {
    this.tools = tools;
    this.dir = dir;
    this.osUser = osUser;
    this.superuser = superuser;
    this.server = new ScratchServer(tools, dir, osUser, superuser);
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
    String osUser =
        ScratchProcesses.isRoot() && ScratchProcesses.userExists("postgres") ? "postgres" : null;
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
      ScratchFolder.writeOwner(dir);
      if (osUser != null) {
        ScratchFolder.chown(dir, osUser);
      }
      c.server.initdb();
      c.server.start(startTimeout);
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
        ScratchFolder.chown(d.getParent(), osUser);
        ScratchFolder.chown(d, osUser);
      }
      return d;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether the server process is running. */
  public boolean running() {
    return server.running();
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
    server.stop();
    ScratchProcesses.killFromPidFile(dir.resolve("data"));
    ScratchFolder.deleteRecursively(dir);
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
          .filter(p -> !ScratchFolder.ownerAlive(p))
          .forEach(stale::add);
    } catch (IOException e) {
      return 0;
    }
    for (Path p : stale) {
      ScratchProcesses.killFromPidFile(p.resolve("data"));
      ScratchFolder.deleteRecursively(p);
      LOG.atWarn()
          .addKeyValue("event", "scratch_swept")
          .addKeyValue("dir", p.toString())
          .log("removed a scratch cluster an earlier run left behind");
    }
    return stale.size();
  }

  static String quote(String conninfoValue) {
    return conninfoValue.replace("\\", "\\\\").replace("'", "\\'");
  }
}
