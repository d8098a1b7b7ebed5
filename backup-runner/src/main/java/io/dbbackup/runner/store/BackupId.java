package io.dbbackup.runner.store;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A backup's id: its UTC start time and a short random suffix, e.g. 20261124T020000Z-7f3a. */
public record BackupId(String value, Instant startTime) implements Comparable<BackupId> {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern SHAPE = Pattern.compile("^(\\d{8}T\\d{6}Z)-([0-9a-f]{4})$");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new id for a run starting at {@code start}. */
  public static BackupId generate(Instant start) {
    byte[] suffix = new byte[2];
    RANDOM.nextBytes(suffix);
    String value = FORMAT.format(start) + "-" + HexFormat.of().formatHex(suffix);
    return new BackupId(value, start.with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0));
  }

  /** The id named {@code value}, or empty when it is not of our shape (someone else's folder). */
  public static Optional<BackupId> parse(String value) {
    Matcher m = SHAPE.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BackupId(value, Instant.from(FORMAT.parse(m.group(1)))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public int compareTo(BackupId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
