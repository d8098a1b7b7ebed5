package io.dbbackup.api.status;

import java.util.List;
import java.util.Set;

/**
 * The status fields and condition types one writer owns: all that {@link StatusPatch} ever sends
 * for it: {@link StatusPart} for the two writers of a DatabaseBackup, {@link RestoreStatusPart} for
 * the one writer of a DatabaseRestore.
 */
public interface StatusOwner {
  /** The JSON names of the status fields this writer owns (conditions excluded). */
  List<String> fields();

  /** The condition types this writer owns. */
  Set<String> conditionTypes();

  /** Whether this writer owns conditions of {@code type}. */
  default boolean ownsCondition(String type) {
    return conditionTypes().contains(type);
  }
}
