package io.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A throwaway PostgreSQL cluster started from the machine's server binaries: a fresh data
 * directory, a free port, scram-sha-256 passwords over TCP. PostgreSQL refuses to run as root, so
 * when the JVM is root the server runs as the {@code postgres} OS user (override with
 * PG_TEST_OS_USER). It can be stopped, killed and restarted for fault tests, and {@link #close()}
 * removes everything.
 *
 * <p>This class owns the cluster's life and its SQL helpers; {@link ClusterLayout} knows its files
 * and command lines, {@link ServerOwner} runs them as the server's OS user, {@link Commands} runs a
 * tool.
 */
public final class PostgresCluster implements AutoCloseable {
  public static final String SUPERUSER = "postgres";
  public static final String HOST = "127.0.0.1";

  private final ClusterLayout layout;
  private final String password;
  private final ServerOwner owner;

  private PostgresCluster(ClusterLayout layout, String password, ServerOwner owner) {
    this.layout = layout;
    this.password = password;
    this.owner = owner;
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
    ServerOwner owner = ServerOwner.forThisJvm();
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    Path base;
    try {
      base = Files.createTempDirectory("dbbackup-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ClusterLayout layout = new ClusterLayout(binDir, base, freePort());
    PostgresCluster cluster = new PostgresCluster(layout, password, owner);
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
    return layout.port();
  }

  public String superuser() {
    return SUPERUSER;
  }

  /** The superuser's password. */
  public String password() {
    return password;
  }

  public Path dataDir() {
    return layout.dataDir();
  }

  /** The Unix socket directory; local connections are trusted (as the OS owner's would be). */
  public Path socketDir() {
    return layout.baseDir();
  }

  public Path serverLog() {
    return layout.serverLog();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + layout.port() + "/" + database;
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
            Integer.toString(layout.port()),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-c",
            sql);
    return Commands.run(cmd, Map.of("PGPASSWORD", password)).trim();
  }

  public Path psqlBinary() {
    Path p = layout.binDir().resolve("psql");
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
    return layout.binDir();
  }

  public boolean isRunning() {
    return postmaster().map(ProcessHandle::isAlive).orElse(false);
  }

  /** Fast shutdown: waits for the server to stop. */
  public void stop() {
    if (isRunning()) {
      owner.run(layout.pgCtl("stop", "-m", "fast", "-w", "-t", "60"));
    }
  }

  /**
   * {@code pg_ctl stop -m immediate}: the postmaster ends every backend at once, without a
   * checkpoint (the next start runs crash recovery); open connections break mid-statement.
   */
  public void stopImmediately() {
    if (isRunning()) {
      owner.run(layout.pgCtl("stop", "-m", "immediate", "-w", "-t", "60"));
    }
  }

  /** SIGKILL to the postmaster and every backend, as a crash or an OOM kill would. */
  public void kill() {
    Optional<ProcessHandle> postmaster = postmaster();
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
      stopImmediately();
    } catch (RuntimeException e) {
      kill();
    } finally {
      layout.delete();
    }
  }

  /** initdb with the superuser's password, then the settings appended to postgresql.conf. */
  private void initdb() {
    Path baseDir = layout.baseDir();
    try {
      Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwx------"));
      Path pwfile = baseDir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      owner.give(baseDir, pwfile);
      owner.run(layout.initdb(SUPERUSER, pwfile));
      Files.delete(pwfile);
      Files.writeString(
          layout.dataDir().resolve("postgresql.conf"),
          layout.settings(HOST),
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    owner.run(layout.pgCtl("start", "-w", "-t", "60", "-l", serverLog().toString()));
  }

  private Optional<ProcessHandle> postmaster() {
    return layout.postmasterPid().flatMap(ProcessHandle::of);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
