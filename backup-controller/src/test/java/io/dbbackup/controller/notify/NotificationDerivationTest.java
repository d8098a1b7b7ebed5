package io.dbbackup.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.notify.Severity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which notifications a resource's status, spec and the time call for, and their keys. */
class NotificationDerivationTest {
  static final Instant CREATED = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-21T02:30:00Z");

  static DatabaseBackup backup() {
    DatabaseBackup b =
        Serialization.unmarshal(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseBackup
            metadata: {name: orders-db, namespace: shop, uid: u-1, creationTimestamp: "%s"}
            spec:
              schedule: "0 2 * * *"
              timeoutMinutes: 60
              database: {host: pg, user: backup, passwordSecretRef: {name: pg, key: password}}
              storage: {volume: {claimName: backups, path: /backup}}
            """
                .formatted(CREATED),
            DatabaseBackup.class);
    b.setStatus(new DatabaseBackupStatus());
    return b;
  }

  static BackupRecord run(String id, BackupPhase phase, Instant end, long seconds, Long stored) {
    BackupRecord r = new BackupRecord();
    r.setId(id);
    r.setPhase(phase);
    r.setStartTime(end.minusSeconds(seconds).toString());
    r.setCompletionTime(end.toString());
    r.setDurationSeconds(seconds);
    r.setStoredBytes(stored);
    r.setExitCode(phase == BackupPhase.Succeeded ? 0 : 5);
    if (phase == BackupPhase.Failed) {
      r.setMessage("pg_dumpall exited with 1\nsecond line");
    }
    return r;
  }

  /** Records runs oldest first, as the runner would. */
  static DatabaseBackup with(BackupRecord... runs) {
    DatabaseBackup b = backup();
    for (BackupRecord r : runs) {
      RunnerStatus.record(b.getStatus(), r, NOW);
    }
    return b;
  }

  static Map<NotificationEvent, Happening> byEvent(DatabaseBackup b, Instant now) {
    Map<NotificationEvent, Happening> m = new java.util.EnumMap<>(NotificationEvent.class);
    for (Happening h : NotificationDerivation.derive(b, now)) {
      assertThat(m.put(h.event(), h)).as("one %s", h.event()).isNull();
    }
    return m;
  }

  @Test
  void aFailedRunIsOneBackupFailedKeyedByTheRun() {
    var m = byEvent(with(run("r1", BackupPhase.Failed, NOW, 30, null)), NOW);
    assertThat(m).containsOnlyKeys(NotificationEvent.BackupFailed);
    Happening h = m.get(NotificationEvent.BackupFailed);
    assertThat(h.key()).isEqualTo("BackupFailed/r1");
    assertThat(h.persists()).isFalse();
    assertThat(h.notification().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(h.notification().summary()).isEqualTo("pg_dumpall exited with 1");
    assertThat(h.notification().details())
        .containsEntry("exitCode", 5)
        .containsEntry("reason", "DumpFailed")
        .containsEntry("durationSeconds", 30L);
    assertThat(h.notification().resource().uid()).isEqualTo("u-1");
    assertThat(h.notification().backupId()).isEqualTo("r1");
  }

  @Test
  void theFirstSuccessAfterAFailureIsARecoveryAndTheNextIsNot() {
    Instant t = NOW.minus(Duration.ofDays(2));
    DatabaseBackup recovered =
        with(
            run("r1", BackupPhase.Succeeded, t, 30, 1000L),
            run("r2", BackupPhase.Failed, t.plus(Duration.ofDays(1)), 30, null),
            run("r3", BackupPhase.Succeeded, NOW, 30, 1000L));
    assertThat(byEvent(recovered, NOW))
        .containsOnlyKeys(NotificationEvent.BackupSucceeded, NotificationEvent.BackupRecovered);
    assertThat(byEvent(recovered, NOW).get(NotificationEvent.BackupRecovered).key())
        .isEqualTo("BackupRecovered/r3");

    RunnerStatus.record(
        recovered.getStatus(), run("r4", BackupPhase.Succeeded, NOW, 30, 1000L), NOW);
    assertThat(byEvent(recovered, NOW)).containsOnlyKeys(NotificationEvent.BackupSucceeded);
  }

  @Test
  void aSuccessThatEndsAnAnnouncedStaleSpellIsARecovery() {
    DatabaseBackup b = with(run("r1", BackupPhase.Succeeded, NOW, 30, 1000L));
    assertThat(byEvent(b, NOW)).doesNotContainKey(NotificationEvent.BackupRecovered);
    b.getStatus()
        .setNotifications(
            List.of(
                new NotificationRecord(
                    "BackupStale/never",
                    "oncall",
                    NotificationEvent.BackupStale,
                    NOW.minusSeconds(60).toString(),
                    "Sent")));
    assertThat(byEvent(b, NOW)).containsKey(NotificationEvent.BackupRecovered);
  }

  @Test
  void overtimeOver80PercentOfTheTimeoutOrTimedOut() {
    assertThat(byEvent(with(run("r1", BackupPhase.Succeeded, NOW, 2880, 10L)), NOW))
        .doesNotContainKey(NotificationEvent.Overtime);
    var m = byEvent(with(run("r1", BackupPhase.Succeeded, NOW, 2881, 10L)), NOW);
    assertThat(m.get(NotificationEvent.Overtime).key()).isEqualTo("Overtime/r1");
    assertThat(m.get(NotificationEvent.Overtime).notification().details())
        .containsEntry("timeoutSeconds", 3600L);

    BackupRecord timedOut = run("r2", BackupPhase.Failed, NOW, 10, null);
    timedOut.setExitCode(11);
    assertThat(byEvent(with(timedOut), NOW)).containsKey(NotificationEvent.Overtime);
    BackupRecord deadline = run("r3", BackupPhase.Failed, NOW, 10, null);
    deadline.setExitCode(null);
    deadline.setJobName("orders-db-backup-1");
    deadline.setMessage("Job orders-db-backup-1 failed without a report (DeadlineExceeded: ...)");
    assertThat(byEvent(with(deadline), NOW)).containsKey(NotificationEvent.Overtime);
  }

  @Test
  void sizeChangedMoreThan30PercentFromThePreviousGoodBackup() {
    Instant t = NOW.minus(Duration.ofDays(1));
    assertThat(
            byEvent(
                with(
                    run("r1", BackupPhase.Succeeded, t, 30, 1000L),
                    run("r2", BackupPhase.Failed, t.plusSeconds(60), 30, null),
                    run("r3", BackupPhase.Succeeded, NOW, 30, 1300L)),
                NOW))
        .doesNotContainKey(NotificationEvent.SizeChanged);
    var m =
        byEvent(
            with(
                run("r1", BackupPhase.Succeeded, t, 30, 1000L),
                run("r2", BackupPhase.Succeeded, NOW, 30, 690L)),
            NOW);
    Happening h = m.get(NotificationEvent.SizeChanged);
    assertThat(h.key()).isEqualTo("SizeChanged/r2");
    assertThat(h.notification().details())
        .containsEntry("changePercent", -31L)
        .containsEntry("previousStoredBytes", 1000L);
  }

  @Test
  void capacityLowForARunRefusedForSpaceOrAVolume80PercentFull() {
    BackupRecord ok = run("r1", BackupPhase.Succeeded, NOW, 30, 10L);
    ok.setVolumeUsedPercent(79);
    assertThat(byEvent(with(ok), NOW)).doesNotContainKey(NotificationEvent.CapacityLow);
    ok.setVolumeUsedPercent(80);
    Happening full = byEvent(with(ok), NOW).get(NotificationEvent.CapacityLow);
    assertThat(full.persists()).isTrue();
    assertThat(full.notification().details()).containsEntry("volumeUsedPercent", 80);
    BackupRecord refused = run("r2", BackupPhase.Failed, NOW, 3, null);
    refused.setExitCode(4);
    assertThat(byEvent(with(refused), NOW))
        .containsKeys(NotificationEvent.CapacityLow, NotificationEvent.BackupFailed);
  }

  @Test
  void successRateLowWithTwoFailuresAmongTheRecentRunsSkippedLeftOut() {
    Instant t = NOW.minus(Duration.ofDays(5));
    BackupRecord skipped = run("s", BackupPhase.Skipped, t.plusSeconds(30), 0, null);
    DatabaseBackup one =
        with(
            run("r1", BackupPhase.Failed, t, 30, null),
            skipped,
            run("r2", BackupPhase.Succeeded, NOW, 30, 10L));
    assertThat(byEvent(one, NOW)).doesNotContainKey(NotificationEvent.SuccessRateLow);
    DatabaseBackup two =
        with(
            run("r1", BackupPhase.Failed, t, 30, null),
            run("r2", BackupPhase.Succeeded, t.plusSeconds(60), 30, 10L),
            run("r3", BackupPhase.Failed, t.plusSeconds(120), 30, null),
            run("r4", BackupPhase.Succeeded, NOW, 30, 10L));
    Happening h = byEvent(two, NOW).get(NotificationEvent.SuccessRateLow);
    assertThat(h.persists()).isTrue();
    assertThat(h.notification().details())
        .containsEntry("runs", 4)
        .containsEntry("failed", 2L)
        .containsEntry("successPercent", 50L);
  }

  @Test
  void neverSucceededIsStaleOneAndAHalfIntervalsAfterCreationNotBefore() {
    DatabaseBackup b = backup();
    Instant at = CREATED.plus(Duration.ofHours(36));
    assertThat(NotificationDerivation.staleAt(b, at)).contains(at);
    assertThat(byEvent(b, at)).isEmpty();
    assertThat(byEvent(b, at.minusSeconds(1))).isEmpty();
    Happening h = byEvent(b, at.plusSeconds(1)).get(NotificationEvent.BackupStale);
    assertThat(h.key()).isEqualTo("BackupStale/never");
    assertThat(h.persists()).isTrue();
    assertThat(h.notification().details()).containsEntry("expectedIntervalSeconds", 86400L);
  }

  @Test
  void aScheduleThatStoppedIsStaleOneAndAHalfIntervalsAfterTheLastSuccess() {
    Instant good = Instant.parse("2026-11-22T02:10:00Z");
    DatabaseBackup b = with(run("r1", BackupPhase.Succeeded, good, 600, 10L));
    Instant at = good.plus(Duration.ofHours(36));
    assertThat(byEvent(b, at.minusSeconds(1))).doesNotContainKey(NotificationEvent.BackupStale);
    assertThat(byEvent(b, at.plusSeconds(1)).get(NotificationEvent.BackupStale).key())
        .isEqualTo("BackupStale/r1");
    b.getSpec().setSuspend(true);
    assertThat(byEvent(b, at.plusSeconds(1))).doesNotContainKey(NotificationEvent.BackupStale);
  }

  @Test
  void aRunningRunSaysNothing() {
    DatabaseBackup b = with(run("r1", BackupPhase.Running, NOW, 0, null));
    assertThat(byEvent(b, NOW)).isEmpty();
  }
}
