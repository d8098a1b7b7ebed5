package io.dbbackup.runner.store;

import java.io.IOException;

/**
 * A manifest that was read but cannot be trusted: not JSON, a field of the wrong type or out of
 * range, a format newer than this runner knows, or names and times that disagree with its folder.
 * The message names the file and the field.
 */
public final class ManifestException extends IOException {
  private final String field;

  public ManifestException(String where, String field, String problem) {
    super(where + (field == null ? "" : ": field " + field) + ": " + problem);
    this.field = field;
  }

  /** The field at fault (a JSON path such as {@code databases[0].name}), or null. */
  public String field() {
    return field;
  }
}
