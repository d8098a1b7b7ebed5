package io.dbbackup.api.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the JSON merge patch (RFC 7386) that carries one writer's part of a status and nothing
 * else. Pure: no I/O, so both writers' behaviour is unit-testable.
 */
public final class StatusMergePatch {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusMergePatch() {}

  /**
   * Applies {@code mutator} to a copy of {@code fresh}'s status and returns the patch that moves
   * the stored resource to the result, restricted to {@code part}.
   *
   * <p>The patch holds {@code metadata.resourceVersion} of {@code fresh} (so the API server refuses
   * it with 409 Conflict when someone wrote in between), the owned fields that changed (a field the
   * mutator cleared is sent as {@code null}, which deletes it), and, when an owned condition
   * changed, the whole {@code conditions} list: {@code fresh}'s list with only the owned types
   * replaced. {@code lastTransitionTime} is kept when a condition's status did not change and set
   * to {@code now} when it did. Changes the mutator makes outside {@code part} are ignored.
   *
   * @return the patch, or empty when nothing owned by {@code part} changed
   */
  public static Optional<ObjectNode> compute(
      DatabaseBackup fresh, StatusPart part, Consumer<DatabaseBackupStatus> mutator, Instant now) {
    DatabaseBackupStatus before =
        fresh.getStatus() == null ? new DatabaseBackupStatus() : fresh.getStatus();
    DatabaseBackupStatus after = copy(before);
    mutator.accept(after);

    JsonNode beforeTree = MAPPER.valueToTree(before);
    JsonNode afterTree = MAPPER.valueToTree(after);
    ObjectNode status = MAPPER.createObjectNode();
    for (String field : part.fields()) {
      JsonNode was = beforeTree.get(field);
      JsonNode is = afterTree.get(field);
      if (!Objects.equals(was, is)) {
        status.set(field, is == null ? NullNode.getInstance() : is);
      }
    }
    List<Condition> merged =
        mergeConditions(before.getConditions(), after.getConditions(), part, now);
    ArrayNode mergedTree = MAPPER.valueToTree(merged);
    if (!mergedTree.equals(MAPPER.valueToTree(nonNull(before.getConditions())))) {
      status.set("conditions", mergedTree);
    }
    if (status.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode patch = MAPPER.createObjectNode();
    patch.putObject("metadata").put("resourceVersion", fresh.getMetadata().getResourceVersion());
    patch.set("status", status);
    return Optional.of(patch);
  }

  /** A deep copy of a status (a JSON round trip), never null. */
  public static DatabaseBackupStatus copy(DatabaseBackupStatus status) {
    return status == null
        ? new DatabaseBackupStatus()
        : MAPPER.convertValue(status, DatabaseBackupStatus.class);
  }

  /** The stored list with only {@code part}'s condition types taken from the mutated list. */
  static List<Condition> mergeConditions(
      List<Condition> stored, List<Condition> mutated, StatusPart part, Instant now) {
    List<Condition> result = new ArrayList<>();
    for (Condition old : nonNull(stored)) {
      if (!part.ownsCondition(old.getType())) {
        result.add(old);
      } else {
        Conditions.find(mutated, old.getType()).ifPresent(c -> result.add(transition(old, c, now)));
      }
    }
    for (Condition added : nonNull(mutated)) {
      if (part.ownsCondition(added.getType())
          && Conditions.find(stored, added.getType()).isEmpty()) {
        result.add(transition(null, added, now));
      }
    }
    return result;
  }

  private static Condition transition(Condition old, Condition updated, Instant now) {
    Condition c = MAPPER.convertValue(updated, Condition.class);
    if (old != null && Objects.equals(old.getStatus(), c.getStatus())) {
      if (old.getLastTransitionTime() != null) {
        c.setLastTransitionTime(old.getLastTransitionTime());
      }
    } else if (c.getLastTransitionTime() == null
        || (old != null && c.getLastTransitionTime().equals(old.getLastTransitionTime()))) {
      c.setLastTransitionTime(Conditions.timestamp(now));
    }
    if (c.getLastTransitionTime() == null) {
      c.setLastTransitionTime(Conditions.timestamp(now));
    }
    return c;
  }

  private static List<Condition> nonNull(List<Condition> conditions) {
    return conditions == null ? List.of() : conditions;
  }
}
