package io.dbbackup.runner.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.Severity;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.history.RunRecord;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunNotificationsTest {
  private static final Instant START = Instant.parse("2026-11-24T02:00:00Z");
  private static final Duration LIMIT = Duration.ofMinutes(60);
  private static final VolumeUsage HALF_FULL = new VolumeUsage(Path.of("/backup"), 1000, 500);

  @Test
  void aFailedRunIsBackupFailedWithItsExitCodeAndReason() {
    List<Notification> out =
        derive(
            ExitCode.DATABASE_UNREACHABLE, run(BackupPhase.Failed, 12_500, null), null, HALF_FULL);

    assertThat(events(out)).containsExactly(NotificationEvent.BackupFailed);
    Notification n = out.get(0);
    assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(n.summary()).isEqualTo("database unreachable");
    assertThat(n.key()).isEqualTo("BackupFailed/20261124T020000Z-7f3a");
    assertThat(n.backupId()).isEqualTo("20261124T020000Z-7f3a");
    assertThat(n.resource().namespace()).isEqualTo("shop");
    assertThat(n.resource().name()).isEqualTo("orders-db");
    assertThat(n.resource().uid()).isEqualTo("uid-1");
    assertThat(n.details())
        .containsEntry("exitCode", 3)
        .containsEntry("reason", "DatabaseUnreachable")
        .containsEntry("message", "the message")
        .containsEntry("durationSeconds", 12.5)
        .containsEntry("storedBytes", 0L);
  }

  @Test
  void aGoodRunAfterAFailedOneIsBackupRecoveredAndOnlyThen() {
    RunRecord good = run(BackupPhase.Succeeded, 1000, 1000L);
    PreviousRuns failedBefore = new PreviousRuns("id-0", "FAILED", 3, "id-g", 1000L);
    PreviousRuns goodBefore = new PreviousRuns("id-0", "SUCCEEDED", null, "id-0", 1000L);

    List<Notification> out = derive(ExitCode.OK, good, failedBefore, HALF_FULL);
    assertThat(events(out))
        .containsExactly(NotificationEvent.BackupRecovered, NotificationEvent.BackupSucceeded);
    assertThat(out.get(0).details())
        .containsEntry("previousBackupId", "id-0")
        .containsEntry("previousExitCode", 3)
        .doesNotContainKey("exitCode");
    assertThat(events(derive(ExitCode.OK, good, goodBefore, HALF_FULL)))
        .containsExactly(NotificationEvent.BackupSucceeded);
    assertThat(events(derive(ExitCode.OK, good, null, HALF_FULL)))
        .containsExactly(NotificationEvent.BackupSucceeded);
  }

  @Test
  void capacityIsLowForARunRefusedForSpaceOrAVolumeAtLeast80PercentFull() {
    assertThat(
            events(
                derive(ExitCode.NOT_ENOUGH_SPACE, run(BackupPhase.Failed, 10, null), null, null)))
        .containsExactly(NotificationEvent.BackupFailed, NotificationEvent.CapacityLow);
    RunRecord good = run(BackupPhase.Succeeded, 10, 10L);
    List<Notification> full =
        derive(ExitCode.OK, good, null, new VolumeUsage(Path.of("/backup"), 1000, 200));
    assertThat(events(full))
        .containsExactly(NotificationEvent.CapacityLow, NotificationEvent.BackupSucceeded);
    assertThat(full.get(0).summary()).startsWith("backup volume 80% full after the run");
    assertThat(full.get(0).details()).containsEntry("usedPercent", 80.0);
    assertThat(
            events(derive(ExitCode.OK, good, null, new VolumeUsage(Path.of("/backup"), 1000, 201))))
        .containsExactly(NotificationEvent.BackupSucceeded);
  }

  @Test
  void overtimeIsARunPast80PercentOfItsLimitOrOneThatTimedOut() {
    assertThat(
            events(derive(ExitCode.TIMEOUT, run(BackupPhase.Failed, 3_600_000, null), null, null)))
        .containsExactly(NotificationEvent.BackupFailed, NotificationEvent.Overtime);
    List<Notification> slow =
        derive(ExitCode.OK, run(BackupPhase.Succeeded, 49 * 60_000, 10L), null, HALF_FULL);
    assertThat(events(slow))
        .containsExactly(NotificationEvent.Overtime, NotificationEvent.BackupSucceeded);
    assertThat(slow.get(0).summary()).isEqualTo("the run took 49m of its 60m limit (82%)");
    assertThat(
            events(
                derive(ExitCode.OK, run(BackupPhase.Succeeded, 48 * 60_000, 10L), null, HALF_FULL)))
        .containsExactly(NotificationEvent.BackupSucceeded);
  }

  @Test
  void theStoredSizeMoreThan30PercentOffThePreviousGoodBackupIsSizeChanged() {
    PreviousRuns before = new PreviousRuns("id-0", "SUCCEEDED", null, "id-0", 1000L);
    List<Notification> larger =
        derive(ExitCode.OK, run(BackupPhase.Succeeded, 10, 1400L), before, HALF_FULL);
    assertThat(events(larger))
        .containsExactly(NotificationEvent.SizeChanged, NotificationEvent.BackupSucceeded);
    assertThat(larger.get(0).summary()).contains("40% larger");
    assertThat(larger.get(0).details())
        .containsEntry("previousStoredBytes", 1000L)
        .containsEntry("changePercent", 40.0);
    assertThat(events(derive(ExitCode.OK, run(BackupPhase.Succeeded, 10, 600L), before, HALF_FULL)))
        .startsWith(NotificationEvent.SizeChanged);
    assertThat(
            events(derive(ExitCode.OK, run(BackupPhase.Succeeded, 10, 1300L), before, HALF_FULL)))
        .containsExactly(NotificationEvent.BackupSucceeded);
  }

  @Test
  void aRunThatDidNotRunReportsNothing() {
    assertThat(derive(ExitCode.LOCKED, null, null, HALF_FULL)).isEmpty();
    assertThat(derive(ExitCode.OUTSIDE_WINDOW, run(BackupPhase.Skipped, 1, null), null, HALF_FULL))
        .isEmpty();
  }

  private static List<NotificationEvent> events(List<Notification> out) {
    return out.stream().map(Notification::event).toList();
  }

  private static List<Notification> derive(
      ExitCode code, RunRecord record, PreviousRuns previous, VolumeUsage volume) {
    return RunNotifications.derive(
        config(),
        new RunNotifications.Facts(
            code, record, "the message", LIMIT, previous, volume, START.plusSeconds(60)));
  }

  private static RunRecord run(BackupPhase status, long durationMs, Long storedBytes) {
    RunRecord.Builder b =
        RunRecord.builder()
            .backupId("20261124T020000Z-7f3a")
            .resource("shop", "orders-db")
            .startedAt(START)
            .location("/backup/shop/orders-db/20261124T020000Z-7f3a");
    RunRecord r = b.build().finished(status, START.plusMillis(durationMs));
    return storedBytes == null
        ? r
        : r.toBuilder().output(storedBytes * 2, storedBytes, "abc", true).build();
  }

  private static BackupConfig config() {
    DatabaseBackup resource = new DatabaseBackup();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("orders-db")
            .withUid("uid-1")
            .build());
    resource.setSpec(new DatabaseBackupSpec());
    return new BackupConfig(resource, new SecretFiles(Path.of("/nonexistent")));
  }
}
