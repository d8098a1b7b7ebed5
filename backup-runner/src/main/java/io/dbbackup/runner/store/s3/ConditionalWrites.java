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

  static ConditionalWrites parse(String value) {
    return value == null || value.isBlank() ? AUTO : valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
