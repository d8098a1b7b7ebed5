package io.dbbackup.runner.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.store.ManifestCodec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** backup_history.status values, also in spooled run records. */
class HistoryStatusTest {
  @Test
  void eachPhaseHasItsTableValue() {
    assertThat(HistoryStatus.column(BackupPhase.Running)).isEqualTo("RUNNING");
    assertThat(HistoryStatus.column(BackupPhase.Succeeded)).isEqualTo("SUCCEEDED");
    assertThat(HistoryStatus.column(BackupPhase.Failed)).isEqualTo("FAILED");
    assertThat(HistoryStatus.column(BackupPhase.Skipped)).isEqualTo("SKIPPED");
    for (BackupPhase p : BackupPhase.values()) {
      assertThat(HistoryStatus.phase(HistoryStatus.column(p))).isEqualTo(p);
    }
    assertThatThrownBy(() -> HistoryStatus.phase("Running"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void spooledRecordsKeepTheTableValue() throws Exception {
    RunRecord r =
        RunRecord.builder()
            .backupId("b1")
            .startedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .build()
            .finished(BackupPhase.Failed, Instant.parse("2026-01-01T00:00:01Z"));
    String json = ManifestCodec.mapper().writeValueAsString(r);
    assertThat(json).contains("\"status\" : \"FAILED\"");
    assertThat(ManifestCodec.mapper().readValue(json, RunRecord.class)).isEqualTo(r);
  }
}
