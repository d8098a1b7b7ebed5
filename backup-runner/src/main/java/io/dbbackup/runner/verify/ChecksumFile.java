package io.dbbackup.runner.verify;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code sha256sum} format: {@code <64 hex> <file name>}, so `sha256sum -c` works. */
public record ChecksumFile(String sha256, String fileName) {
  private static final Pattern LINE = Pattern.compile("^([0-9a-f]{64}) [ *](.+)$");

  /** The name of the checksum file of {@code file}, stored next to it. */
  public static String nameFor(String file) {
    return file + ".sha256";
  }

  public byte[] encode() {
    return (sha256 + "  " + fileName + "\n").getBytes(StandardCharsets.UTF_8);
  }

  public static Optional<ChecksumFile> parse(byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8).strip();
    Matcher m = LINE.matcher(text);
    return m.matches() ? Optional.of(new ChecksumFile(m.group(1), m.group(2))) : Optional.empty();
  }
}
