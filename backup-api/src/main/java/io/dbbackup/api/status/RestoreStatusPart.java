package io.dbbackup.api.status;

import java.util.List;
import java.util.Set;

/** The one writer of a DatabaseRestore's status, the controller, and what it owns: all of it. */
public enum RestoreStatusPart implements StatusOwner {
  CONTROLLER;

  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  public static final String CONDITION_SUCCEEDED = "Succeeded";

  @Override
  public List<String> fields() {
    return List.of("phase", "startTime", "completionTime", "backupId", "message");
  }

  @Override
  public Set<String> conditionTypes() {
    return Set.of(CONDITION_SUCCEEDED);
  }
}
