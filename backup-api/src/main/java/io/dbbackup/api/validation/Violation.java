package io.dbbackup.api.validation;

/** One thing wrong with a resource: the field's path and what was expected there. */
public record Violation(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
