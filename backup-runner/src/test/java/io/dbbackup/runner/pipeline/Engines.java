package io.dbbackup.runner.pipeline;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

/**
 * The gzip engines a test can use here. libdeflate needs Java 22+ and the system's libdeflate.so.0
 * (the README supports Java 21, and -Ddbbackup.libdeflate.path=/nonexistent hides it): a test of
 * libdeflate itself is skipped by assumption without it, never an error, and the runner falls back
 * to zlib, which {@link #expectedPreferred()} expects.
 */
public final class Engines {
  private Engines() {}

  /** Why libdeflate cannot be had here, or null when it can. */
  public static String libdeflateMissing() {
    return DeflateEngine.Selection.libdeflate() instanceof DeflateEngine
        ? null
        : String.valueOf(DeflateEngine.Selection.libdeflate());
  }

  public static boolean libdeflateAvailable() {
    return libdeflateMissing() == null;
  }

  /** zlib, and libdeflate when it loads. */
  public static List<DeflateEngine> available() {
    return libdeflateAvailable()
        ? List.of(ZlibEngine.INSTANCE, DeflateEngine.named("libdeflate"))
        : List.of(ZlibEngine.INSTANCE);
  }

  /** The engine named {@code name}; a test of libdeflate is skipped where it cannot load. */
  public static DeflateEngine named(String name) {
    if (name.trim().equalsIgnoreCase("libdeflate")) {
      assumeTrue(
          libdeflateAvailable(), () -> "libdeflate is not available: " + libdeflateMissing());
    }
    return DeflateEngine.named(name);
  }

  /** What auto picks here: libdeflate where it loads, else the JDK's zlib. */
  public static String expectedPreferred() {
    return libdeflateAvailable() ? "libdeflate" : "zlib";
  }
}
