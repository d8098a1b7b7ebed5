package io.dbbackup.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class StatusPatchTest {
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

  static List<String> paths(ArrayNode ops) {
    return StreamSupport.stream(ops.spliterator(), false)
        .map(op -> op.get("op").asText() + " " + op.get("path").asText())
        .toList();
  }

  static JsonNode value(ArrayNode ops, String path) {
    return StreamSupport.stream(ops.spliterator(), false)
        .filter(op -> op.get("path").asText().equals(path))
        .findFirst()
        .orElseThrow()
        .get("value");
  }

  @Test
  void controllerPatchCarriesOnlyItsFieldsAndTheResourceVersionFirst() {
    ArrayNode ops =
        StatusPatch.compute(
                stored(),
                StatusPart.CONTROLLER,
                s -> {
                  s.setNextScheduleTime("2026-11-26T02:00:00Z");
                  s.setObservedGeneration(2L);
                  s.setLastBackup(null); // not the controller's: must be ignored
                },
                NOW)
            .orElseThrow();
    assertThat(paths(ops))
        .containsExactly(
            "replace /metadata/resourceVersion",
            "add /status/observedGeneration",
            "add /status/nextScheduleTime");
    assertThat(value(ops, "/metadata/resourceVersion").asText()).isEqualTo("42");
  }

  @Test
  void conditionListReplacesOnlyOwnedTypesAndKeepsTransitionTimeWhenStatusUnchanged() {
    ArrayNode ops =
        StatusPatch.compute(
                stored(),
                StatusPart.CONTROLLER,
                s ->
                    Conditions.set(
                        s.getConditions(), "Ready", "True", "Suspended", "paused", 2L, NOW),
                NOW)
            .orElseThrow();
    JsonNode conditions = value(ops, "/status/conditions");
    assertThat(conditions).hasSize(2);
    assertThat(conditions.get(0).get("type").asText()).isEqualTo("Ready");
    assertThat(conditions.get(0).get("reason").asText()).isEqualTo("Suspended");
    assertThat(conditions.get(0).get("lastTransitionTime").asText())
        .isEqualTo("2026-11-23T03:00:00Z");
    assertThat(conditions.get(1).get("type").asText()).isEqualTo("LastBackupSucceeded");
  }

  @Test
  void foreignConditionChangesAreIgnoredAndNoChangeMeansNoPatch() {
    Optional<ArrayNode> patch =
        StatusPatch.compute(
            stored(),
            StatusPart.CONTROLLER,
            s -> s.getConditions().removeIf(c -> c.getType().equals("LastBackupSucceeded")),
            NOW);
    assertThat(patch).isEmpty();
  }

  @Test
  void clearedFieldIsRemoved() {
    ArrayNode ops =
        StatusPatch.compute(stored(), StatusPart.CONTROLLER, s -> s.setNextScheduleTime(null), NOW)
            .orElseThrow();
    assertThat(paths(ops)).contains("remove /status/nextScheduleTime");
  }

  @Test
  void firstWriteAddsTheWholeStatusObject() {
    DatabaseBackup fresh = stored();
    fresh.setStatus(null);
    BackupRecord r = new BackupRecord();
    r.setId("b");
    r.setPhase(BackupPhase.Failed);
    ArrayNode ops =
        StatusPatch.compute(fresh, StatusPart.RUNNER, s -> RunnerStatus.record(s, r, NOW), NOW)
            .orElseThrow();
    assertThat(paths(ops)).containsExactly("replace /metadata/resourceVersion", "add /status");
    JsonNode status = value(ops, "/status");
    assertThat(status.get("lastBackup").get("id").asText()).isEqualTo("b");
    assertThat(status.get("conditions").get(0).get("status").asText()).isEqualTo("False");
  }

  @Test
  void statusFlipSetsTransitionTimeToNow() {
    ArrayNode ops =
        StatusPatch.compute(
                stored(),
                StatusPart.CONTROLLER,
                s ->
                    Conditions.set(
                        s.getConditions(), "Ready", "False", "InvalidSpec", "x", 2L, NOW),
                NOW)
            .orElseThrow();
    assertThat(value(ops, "/status/conditions").get(0).get("lastTransitionTime").asText())
        .isEqualTo("2026-11-24T03:00:00Z");
  }

  @Test
  void aRestoresStatusGoesTheSameWayFirstWholeThenOnlyWhatChanged() {
    DatabaseRestore r = new DatabaseRestore();
    r.setMetadata(new ObjectMetaBuilder().withName("r").withResourceVersion("7").build());
    r.setStatus(null); // as a new resource comes from the API server
    ArrayNode first =
        StatusPatch.compute(
                r,
                DatabaseRestoreStatus.class,
                RestoreStatusPart.CONTROLLER,
                s -> {
                  s.setPhase(DatabaseRestoreStatus.Phase.Pending);
                  s.setMessage("Job r-restore created");
                  Conditions.set(
                      s.getConditions(), "Succeeded", "Unknown", "JobCreated", "created", 1L, NOW);
                },
                NOW)
            .orElseThrow();
    assertThat(paths(first)).containsExactly("replace /metadata/resourceVersion", "add /status");
    assertThat(value(first, "/status").get("phase").asText()).isEqualTo("Pending");
    assertThat(value(first, "/status").get("conditions").get(0).get("reason").asText())
        .isEqualTo("JobCreated");

    DatabaseRestoreStatus stored = new DatabaseRestoreStatus();
    stored.setPhase(DatabaseRestoreStatus.Phase.Running);
    stored.setStartTime("2026-11-24T02:00:00Z");
    r.setStatus(stored);
    ArrayNode next =
        StatusPatch.compute(
                r,
                DatabaseRestoreStatus.class,
                RestoreStatusPart.CONTROLLER,
                s -> s.setPhase(DatabaseRestoreStatus.Phase.Succeeded),
                NOW)
            .orElseThrow();
    assertThat(paths(next))
        .containsExactly("replace /metadata/resourceVersion", "add /status/phase");
    assertThat(
            StatusPatch.compute(
                r, DatabaseRestoreStatus.class, RestoreStatusPart.CONTROLLER, s -> {}, NOW))
        .isEmpty();
  }
}
