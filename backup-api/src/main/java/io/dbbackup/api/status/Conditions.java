package io.dbbackup.api.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads and sets metav1.Condition entries the way Kubernetes tools expect them. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /** The condition of {@code type}, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of {@code type} is present with status {@code "True"}. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /**
   * Sets (adds or replaces in place) the condition of {@code type}. {@code lastTransitionTime} is
   * {@code now} when the status changes and kept when it does not, as metav1.Condition requires.
   *
   * @param conditions a mutable list, changed in place
   * @param observedGeneration the generation the condition refers to, or null
   * @return true when anything changed
   */
  public static boolean set(
      List<Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    Optional<Condition> existing = find(conditions, type);
    String transition =
        existing
            .filter(c -> Objects.equals(c.getStatus(), status) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(timestamp(now));
    Condition updated =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message == null ? "" : message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(transition)
            .build();
    if (existing.isPresent()) {
      if (existing.get().equals(updated)) {
        return false;
      }
      conditions.set(conditions.indexOf(existing.get()), updated);
    } else {
      conditions.add(updated);
    }
    return true;
  }

  /** An RFC 3339 time with second precision, the form metav1.Time takes. */
  public static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
