package io.dbbackup.runner.store.s3;

import java.util.Locale;

/** How create-only writes are made (spec.storage.s3.conditionalWrites). */
public enum ConditionalWrites {
  /** Send {@code If-None-Match: *}; fall back to check-then-write if the store rejects it. */
  AUTO,
  /** Send {@code If-None-Match: *}; fail if the store rejects it. */
  REQUIRED,
  /** Never send it: check that the object is absent, then write. */
  OFF;

  /** The mode as the resource spells it (auto, required, off); absent: auto. */
  static ConditionalWrites parse(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.storage.s3.conditionalWrites: expected auto, required or off, got \""
              + value
              + "\"",
          e);
    }
  }
}
