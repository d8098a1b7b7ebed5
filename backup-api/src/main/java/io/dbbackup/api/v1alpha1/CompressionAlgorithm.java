package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the dump is compressed, and the file suffix that says so. */
public enum CompressionAlgorithm {
  @JsonProperty("gzip")
  GZIP(".gz", 1, 9, 6),
  @JsonProperty("zstd")
  ZSTD(".zst", 1, 19, 3),
  @JsonProperty("none")
  NONE("", 0, 0, 0);

  private final String suffix;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  CompressionAlgorithm(String suffix, int minLevel, int maxLevel, int defaultLevel) {
    this.suffix = suffix;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  public String suffix() {
    return suffix;
  }

  public int minLevel() {
    return minLevel;
  }

  public int maxLevel() {
    return maxLevel;
  }

  public int defaultLevel() {
    return defaultLevel;
  }

  /** The name used in the resource, manifests and history rows. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
