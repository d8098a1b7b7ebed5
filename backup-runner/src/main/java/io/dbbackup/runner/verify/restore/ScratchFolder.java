package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a scratch cluster's folder: who owns it (so a later run can tell a killed runner's
 * folder), its hand-over to the server's OS user, its logs, and its removal.
 */
final class ScratchFolder {
  /** The scratch cluster's own log lines. */
  private static final Logger LOG = LoggerFactory.getLogger(ScratchCluster.class);

  /** The file in a scratch folder naming the runner process that owns it. */
  static final String OWNER_FILE = "owner";

  private ScratchFolder() {}

  static void writeOwner(Path dir) {
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

  static void chown(Path path, String user) {
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

  static void deleteRecursively(Path root) {
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

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
