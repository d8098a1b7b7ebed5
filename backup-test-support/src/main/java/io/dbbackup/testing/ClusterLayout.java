package io.dbbackup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a {@link PostgresCluster}'s files are and the commands that create and control them: the
 * base directory (also the Unix socket directory) holding the data directory and the server log,
 * the initdb and pg_ctl command lines, the settings appended to postgresql.conf, the postmaster's
 * pid.
 *
 * @param binDir the server binaries (initdb, pg_ctl, postgres)
 * @param baseDir the cluster's throwaway directory
 * @param port the TCP port the server listens on
 */
record ClusterLayout(Path binDir, Path baseDir, int port) {

  Path dataDir() {
    return baseDir.resolve("data");
  }

  Path serverLog() {
    return baseDir.resolve("server.log");
  }

  /**
   * initdb for the superuser with the password in {@code pwfile}: scram over TCP, UTF8, C.UTF-8.
   */
  List<String> initdb(String superuser, Path pwfile) {
    return List.of(
        binDir.resolve("initdb").toString(),
        "-D",
        dataDir().toString(),
        "-U",
        superuser,
        "--pwfile=" + pwfile,
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync");
  }

  /** The settings appended to postgresql.conf: the listeners, and fast, unsafe durability. */
  String settings(String host) {
    return String.join(
        "\n",
        "",
        "port = " + port,
        "listen_addresses = '" + host + "'",
        "unix_socket_directories = '" + baseDir + "'",
        "max_connections = 50",
        "shared_buffers = 64MB",
        "fsync = off",
        "full_page_writes = off",
        "max_wal_size = 1GB",
        "log_min_messages = warning",
        "");
  }

  /** {@code pg_ctl -D <data dir> args...}. */
  List<String> pgCtl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binDir.resolve("pg_ctl").toString());
    cmd.add("-D");
    cmd.add(dataDir().toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The pid in postmaster.pid, if the file is there and readable. */
  Optional<Long> postmasterPid() {
    Path pidFile = dataDir().resolve("postmaster.pid");
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

  /** Removes the base directory and everything under it, as far as it can. */
  void delete() {
    if (!Files.exists(baseDir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(baseDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ClusterLayout::deleteQuietly);
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a throwaway directory under the temp dir
    }
  }
}
