package io.dbbackup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OS user a {@link PostgresCluster}'s server runs as. PostgreSQL refuses to run as root, so
 * when the JVM is root that is the {@code postgres} user (override with PG_TEST_OS_USER), which
 * commands run as through {@code runuser} and which is given the cluster's files; otherwise it is
 * the JVM's own user.
 */
final class ServerOwner {
  /** The OS user, or null for the JVM's own. */
  private final String osUser;

  private ServerOwner(String osUser) {
    this.osUser = osUser;
  }

  /** The owner for a cluster started by this JVM. */
  static ServerOwner forThisJvm() {
    return new ServerOwner(
        isRoot() ? System.getenv().getOrDefault("PG_TEST_OS_USER", "postgres") : null);
  }

  /** Runs {@code cmd} as the owner. */
  void run(List<String> cmd) {
    List<String> full = new ArrayList<>();
    if (osUser != null) {
      full.addAll(List.of("runuser", "-u", osUser, "--"));
    }
    full.addAll(cmd);
    Commands.run(full, Map.of());
  }

  /** Makes the owner (user and group) own {@code paths}, when it is not the JVM's user. */
  void give(Path... paths) throws IOException {
    if (osUser == null) {
      return;
    }
    for (Path path : paths) {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(osUser);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(osUser);
      Files.setOwner(path, user);
      Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
    }
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
