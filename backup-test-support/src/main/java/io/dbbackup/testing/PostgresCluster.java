package io.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster started from the machine's server binaries: a fresh data
 * directory, a free port, scram-sha-256 passwords over TCP. PostgreSQL refuses to run as root, so
 * when the JVM is root the server runs as the {@code postgres} OS user (override with
 * PG_TEST_OS_USER). It can be stopped, killed and restarted for fault tests, and {@link #close()}
 * removes everything.
 */
public final class PostgresCluster implements AutoCloseable {
  public static final String SUPERUSER = "postgres";
  public static final String HOST = "127.0.0.1";

  private final Path binDir;
  private final Path baseDir;
  private final Path dataDir;
  private final int port;
  private final String password;
  private final String osUser;

  private PostgresCluster(Path binDir, Path baseDir, int port, String password, String osUser) {
    this.binDir = binDir;
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.port = port;
    this.password = password;
    this.osUser = osUser;
  }

  /** Creates a new cluster with initdb and starts it. */
  public static PostgresCluster start() {
    return start(PostgresBinaries.binDir());
  }

  /**
   * Creates and starts a cluster from the server binaries in {@code binDir} (initdb, pg_ctl,
   * postgres), e.g. another major's from {@link ZonkyPostgres}.
   */
  public static PostgresCluster start(Path binDir) {
    String osUser = isRoot() ? System.getenv().getOrDefault("PG_TEST_OS_USER", "postgres") : null;
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    Path base;
    try {
      base = Files.createTempDirectory("dbbackup-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresCluster cluster = new PostgresCluster(binDir, base, freePort(), password, osUser);
    try {
      cluster.initdb();
      cluster.startServer();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String superuser() {
    return SUPERUSER;
  }

  /** The superuser's password. */
  public String password() {
    return password;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The Unix socket directory; local connections are trusted (as the OS owner's would be). */
  public Path socketDir() {
    return baseDir;
  }

  public Path serverLog() {
    return baseDir.resolve("server.log");
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /** A JDBC connection as the superuser. */
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", SUPERUSER);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** Runs SQL statements (separated by the server, not parsed here) through JDBC. */
  public void execute(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
    }
  }

  /** Runs a query with the stock {@code psql -At} and returns its output, trimmed. */
  public String psql(String database, String sql) {
    List<String> cmd =
        List.of(
            psqlBinary().toString(),
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            HOST,
            "-p",
            Integer.toString(port),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-c",
            sql);
    return runClient(cmd).trim();
  }

  public Path psqlBinary() {
    Path p = binDir.resolve("psql");
    if (Files.isExecutable(p)) {
      return p;
    }
    // Server-only binaries (ZonkyPostgres): the machine's client.
    Path system =
        PostgresBinaries.newestUnder(Path.of("/usr/lib/postgresql"))
            .map(bin -> bin.resolve("psql"))
            .orElse(Path.of("psql"));
    return Files.isExecutable(system) ? system : Path.of("psql");
  }

  public Path binDir() {
    return binDir;
  }

  public boolean isRunning() {
    return postmasterPid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Fast shutdown: waits for the server to stop. */
  public void stop() {
    if (isRunning()) {
      runAsOwner(pgCtl("stop", "-m", "fast", "-w", "-t", "60"));
    }
  }

  /**
   * {@code pg_ctl stop -m immediate}: the postmaster ends every backend at once, without a
   * checkpoint (the next start runs crash recovery); open connections break mid-statement.
   */
  public void stopImmediately() {
    if (isRunning()) {
      runAsOwner(pgCtl("stop", "-m", "immediate", "-w", "-t", "60"));
    }
  }

  /** SIGKILL to the postmaster and every backend, as a crash or an OOM kill would. */
  public void kill() {
    Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
    if (postmaster.isEmpty()) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(postmaster.get().descendants().toList());
    all.add(postmaster.get());
    all.forEach(ProcessHandle::destroyForcibly);
    Instant deadline = Instant.now().plusSeconds(30);
    while (all.stream().anyMatch(ProcessHandle::isAlive)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("PostgreSQL processes survived SIGKILL for 30 s");
      }
      sleep(Duration.ofMillis(20));
    }
  }

  /** Starts the server again after {@link #stop()} or {@link #kill()}. */
  public void restart() {
    if (!isRunning()) {
      startServer();
    }
  }

  @Override
  public void close() {
    try {
      if (isRunning()) {
        runAsOwner(pgCtl("stop", "-m", "immediate", "-w", "-t", "60"));
      }
    } catch (RuntimeException e) {
      kill();
    } finally {
      deleteRecursively(baseDir);
    }
  }

  private void initdb() {
    try {
      Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwx------"));
      Path pwfile = baseDir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      if (osUser != null) {
        chown(baseDir);
        chown(pwfile);
      }
      runAsOwner(
          List.of(
              binDir.resolve("initdb").toString(),
              "-D",
              dataDir.toString(),
              "-U",
              SUPERUSER,
              "--pwfile=" + pwfile,
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "-E",
              "UTF8",
              "--locale=C.UTF-8",
              "--no-sync"));
      Files.delete(pwfile);
      String conf =
          String.join(
              "\n",
              "",
              "port = " + port,
              "listen_addresses = '" + HOST + "'",
              "unix_socket_directories = '" + baseDir + "'",
              "max_connections = 50",
              "shared_buffers = 64MB",
              "fsync = off",
              "full_page_writes = off",
              "max_wal_size = 1GB",
              "log_min_messages = warning",
              "");
      Files.writeString(
          dataDir.resolve("postgresql.conf"),
          conf,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    runAsOwner(pgCtl("start", "-w", "-t", "60", "-l", serverLog().toString()));
  }

  private List<String> pgCtl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binDir.resolve("pg_ctl").toString());
    cmd.add("-D");
    cmd.add(dataDir.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Optional<Long> postmasterPid() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      try (Stream<String> lines = Files.lines(pidFile)) {
        return lines.findFirst().map(String::trim).map(Long::parseLong);
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void runAsOwner(List<String> cmd) {
    List<String> full = new ArrayList<>();
    if (osUser != null) {
      full.addAll(List.of("runuser", "-u", osUser, "--"));
    }
    full.addAll(cmd);
    run(full, Map.of());
  }

  private String runClient(List<String> cmd) {
    return run(cmd, Map.of("PGPASSWORD", password));
  }

  private static String run(List<String> cmd, Map<String, String> env) {
    Path out = null;
    try {
      out = Files.createTempFile("dbbackup-pg-cmd-", ".out");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectOutput(out.toFile());
      // The server's OS user may not be able to enter the caller's working directory.
      pb.directory(Path.of("/").toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", cmd));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "command failed (exit "
                + p.exitValue()
                + "): "
                + String.join(" ", cmd)
                + "\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file; the OS cleans /tmp
        }
      }
    }
  }

  private void chown(Path path) throws IOException {
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = lookup.lookupPrincipalByName(osUser);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(osUser);
    Files.setOwner(path, user);
    Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
        .setGroup(group);
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
                } catch (IOException ignored) {
                  // best effort: a throwaway directory under the temp dir
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
