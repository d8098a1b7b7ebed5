package io.dbbackup.runner.config;

/** A secret value read from a mounted file; it never prints itself. */
public record Secret(String value) {
  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
