package io.dbbackup.runner.run;

import java.util.Locale;

/** Byte counts for people: 1.2GiB. */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Sizes() {}

  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    double v = bytes;
    int unit = 0;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f%s" : "%.1f%s", v, UNITS[unit]);
  }
}
