package io.dbbackup.runner.history;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The newest row of the audit chain as it is written outside the database (manifest, store state,
 * resource status): {@code <seq>:<row_hash>}.
 */
public record ChainHead(long seq, String hash) {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,19}):([0-9a-f]{64})");

  /** The head of an empty chain. */
  public static final ChainHead EMPTY = new ChainHead(0, SqlHistory.GENESIS_HASH);

  /** Parses {@code <seq>:<row_hash>}; empty for null or anything else. */
  public static Optional<ChainHead> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ChainHead(Long.parseLong(m.group(1)), m.group(2)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return seq + ":" + hash;
  }
}
