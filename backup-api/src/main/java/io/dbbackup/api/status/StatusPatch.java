package io.dbbackup.api.status;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the JSON Patch (RFC 6902) that carries one writer's part of a status and nothing else.
 * Pure: no I/O, so both writers' behaviour is unit-testable.
 *
 * <p>A JSON Patch rather than a merge patch: both replace exactly the fields named, but fabric8's
 * mock API server (the test cluster) merges lists in a merge patch instead of replacing them, which
 * would duplicate conditions. The first operation replaces {@code metadata.resourceVersion} with
 * the value read, which the API server treats as a precondition (409 Conflict on mismatch).
 */
public final class StatusPatch {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusPatch() {}

  /**
   * Applies {@code mutator} to a copy of {@code fresh}'s status and returns the patch that moves
   * the stored resource to the result, restricted to {@code part}.
   *
   * <p>The patch replaces {@code metadata.resourceVersion} with {@code fresh}'s (so the API server
   * refuses it with 409 Conflict when someone wrote in between), sets each owned field that changed
   * (removes one the mutator cleared), and, when an owned condition changed, sets the whole {@code
   * conditions} list: {@code fresh}'s list with only the owned types replaced. {@code
   * lastTransitionTime} is kept when a condition's status did not change and set to {@code now}
   * when it did. Changes the mutator makes outside {@code part} are ignored.
   *
   * @return the patch operations, or empty when nothing owned by {@code part} changed
   */
  public static Optional<ArrayNode> compute(
      DatabaseBackup fresh, StatusPart part, Consumer<DatabaseBackupStatus> mutator, Instant now) {
    return compute(fresh, DatabaseBackupStatus.class, part, mutator, now);
  }

  /**
   * {@link #compute(DatabaseBackup, StatusPart, Consumer, Instant)} for any custom resource whose
   * status is a {@code statusType} with a {@code conditions} list (a DatabaseRestore's too).
   */
  public static <S> Optional<ArrayNode> compute(
      CustomResource<?, S> fresh,
      Class<S> statusType,
      StatusOwner part,
      Consumer<S> mutator,
      Instant now) {
    boolean hasStatus = fresh.getStatus() != null;
    S before = hasStatus ? fresh.getStatus() : MAPPER.convertValue(Map.of(), statusType);
    S after = MAPPER.convertValue(before, statusType);
    mutator.accept(after);

    JsonNode beforeTree = MAPPER.valueToTree(before);
    JsonNode afterTree = MAPPER.valueToTree(after);
    ObjectNode changed = MAPPER.createObjectNode();
    for (String field : part.fields()) {
      JsonNode was = beforeTree.get(field);
      JsonNode is = afterTree.get(field);
      boolean clearedEmptyList = is == null && was != null && was.isArray() && was.isEmpty();
      if (!Objects.equals(was, is) && !clearedEmptyList) {
        changed.set(field, is == null ? NullNode.getInstance() : is);
      }
    }
    List<Condition> stored = conditions(beforeTree);
    List<Condition> merged = mergeConditions(stored, conditions(afterTree), part, now);
    ArrayNode mergedTree = MAPPER.valueToTree(merged);
    if (!mergedTree.equals(MAPPER.valueToTree(stored))) {
      changed.set("conditions", mergedTree);
    }
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    ArrayNode ops = MAPPER.createArrayNode();
    ops.addObject()
        .put("op", "replace")
        .put("path", "/metadata/resourceVersion")
        .put("value", fresh.getMetadata().getResourceVersion());
    if (!hasStatus) {
      ObjectNode status = MAPPER.createObjectNode();
      changed.properties().stream()
          .filter(e -> !e.getValue().isNull())
          .forEach(e -> status.set(e.getKey(), e.getValue()));
      ops.addObject().put("op", "add").put("path", "/status").set("value", status);
      return Optional.of(ops);
    }
    changed
        .properties()
        .forEach(
            e -> {
              ObjectNode op = ops.addObject();
              if (e.getValue().isNull()) {
                op.put("op", "remove").put("path", "/status/" + e.getKey());
              } else {
                op.put("op", "add").put("path", "/status/" + e.getKey()).set("value", e.getValue());
              }
            });
    return Optional.of(ops);
  }

  /** A deep copy of a status (a JSON round trip), never null. */
  public static DatabaseBackupStatus copy(DatabaseBackupStatus status) {
    return status == null
        ? new DatabaseBackupStatus()
        : MAPPER.convertValue(status, DatabaseBackupStatus.class);
  }

  private static List<Condition> conditions(JsonNode status) {
    JsonNode list = status.get("conditions");
    return list == null || list.isNull()
        ? List.of()
        : MAPPER.convertValue(list, new TypeReference<List<Condition>>() {});
  }

  /** The stored list with only {@code part}'s condition types taken from the mutated list. */
  static List<Condition> mergeConditions(
      List<Condition> stored, List<Condition> mutated, StatusOwner part, Instant now) {
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
