package io.dbbackup.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusMergePatchTest {
  static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
  static final Instant EARLIER = Instant.parse("2026-11-23T03:00:00Z");

  static DatabaseBackup stored() {
    DatabaseBackup b = new DatabaseBackup();
    b.setMetadata(new ObjectMetaBuilder().withName("x").withResourceVersion("42").build());
    DatabaseBackupStatus s = new DatabaseBackupStatus();
    Conditions.set(s.getConditions(), "Ready", "True", "Reconciled", "ok", 1L, EARLIER);
    BackupRecord r = new BackupRecord();
    r.setId("a");
    r.setPhase(BackupPhase.Succeeded);
    RunnerStatus.record(s, r, EARLIER);
    s.setNextScheduleTime("2026-11-25T02:00:00Z");
    b.setStatus(s);
    return b;
  }

  @Test
  void controllerPatchCarriesOnlyItsFieldsAndTheResourceVersion() {
    Optional<ObjectNode> patch =
        StatusMergePatch.compute(
            stored(),
            StatusPart.CONTROLLER,
            s -> {
              s.setNextScheduleTime("2026-11-26T02:00:00Z");
              s.setObservedGeneration(2L);
              s.setLastBackup(null); // not the controller's: must be ignored
            },
            NOW);
    assertThat(patch).isPresent();
    ObjectNode p = patch.get();
    assertThat(p.at("/metadata/resourceVersion").asText()).isEqualTo("42");
    assertThat(p.get("status").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("nextScheduleTime", "observedGeneration");
  }

  @Test
  void conditionListReplacesOnlyOwnedTypesAndKeepsTransitionTimeWhenStatusUnchanged() {
    ObjectNode p =
        StatusMergePatch.compute(
                stored(),
                StatusPart.CONTROLLER,
                s ->
                    Conditions.set(
                        s.getConditions(), "Ready", "True", "Suspended", "paused", 2L, NOW),
                NOW)
            .orElseThrow();
    var conditions = p.at("/status/conditions");
    assertThat(conditions).hasSize(2);
    assertThat(conditions.get(0).get("type").asText()).isEqualTo("Ready");
    assertThat(conditions.get(0).get("reason").asText()).isEqualTo("Suspended");
    assertThat(conditions.get(0).get("lastTransitionTime").asText())
        .isEqualTo("2026-11-23T03:00:00Z");
    assertThat(conditions.get(1).get("type").asText()).isEqualTo("LastBackupSucceeded");
  }

  @Test
  void foreignConditionChangesAreIgnoredAndNoChangeMeansNoPatch() {
    Optional<ObjectNode> patch =
        StatusMergePatch.compute(
            stored(),
            StatusPart.CONTROLLER,
            s -> s.getConditions().removeIf(c -> c.getType().equals("LastBackupSucceeded")),
            NOW);
    assertThat(patch).isEmpty();
  }

  @Test
  void clearedFieldIsSentAsNull() {
    ObjectNode p =
        StatusMergePatch.compute(
                stored(), StatusPart.CONTROLLER, s -> s.setNextScheduleTime(null), NOW)
            .orElseThrow();
    assertThat(p.at("/status/nextScheduleTime").isNull()).isTrue();
  }

  @Test
  void statusFlipSetsTransitionTimeToNow() {
    ObjectNode p =
        StatusMergePatch.compute(
                stored(),
                StatusPart.CONTROLLER,
                s ->
                    Conditions.set(
                        s.getConditions(), "Ready", "False", "InvalidSpec", "x", 2L, NOW),
                NOW)
            .orElseThrow();
    assertThat(p.at("/status/conditions/0/lastTransitionTime").asText())
        .isEqualTo("2026-11-24T03:00:00Z");
  }
}
