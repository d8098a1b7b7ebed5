package io.dbbackup.runner.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A small tmpfs as a backup target or scratch folder: a disk that fills. Needs root. */
public final class Tmpfs {
  private Tmpfs() {}

  public static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  /** Mounts a tmpfs of {@code size} (mount's syntax, e.g. 16m) at {@code at}, or skips the test. */
  public static void mount(Path at, String size) {
    StockTools.Run mount =
        StockTools.run(
            at.getParent(),
            Map.of(),
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + size,
            "tmpfs",
            at.toString());
    assumeTrue(mount.exitCode() == 0, "cannot mount a tmpfs here: " + mount.output());
  }

  public static void umount(Path at) {
    StockTools.run(at.getParent(), Map.of(), "umount", at.toString());
  }
}
