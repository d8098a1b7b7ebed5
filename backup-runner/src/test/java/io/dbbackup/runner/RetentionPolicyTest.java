package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.retention.RetentionPolicy.Reason;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  static final Instant NOW = Instant.parse("2026-11-24T02:00:00Z");

  static Manifest manifest(Instant start) {
    BackupId id = BackupId.generate(start);
    return Manifest.builder()
        .formatVersion(1)
        .id(id.value())
        .startTime(start)
        .endTime(start.plusSeconds(60))
        .databases(List.of())
        .file("dump.sql.gz")
        .dumpBytes(10)
        .storedBytes(5)
        .sha256("a")
        .plainSha256("b")
        .build();
  }

  static Catalog catalog(List<Manifest> good, List<BackupId> incomplete) {
    List<Manifest> sorted = new ArrayList<>(good);
    sorted.sort(Comparator.comparing(Manifest::startTime).reversed());
    return new Catalog(sorted, incomplete);
  }

  static List<Manifest> daily(int days) {
    List<Manifest> list = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      list.add(manifest(NOW.minus(Duration.ofDays(d))));
    }
    return list;
  }

  @Test
  void deletesGoodBackupsOlderThanTheRetention() {
    Catalog c = catalog(daily(40), List.of());
    var plan =
        new RetentionPolicy(30, 1, Duration.ofHours(2))
            .plan(c, NOW, c.backups().getFirst().backupId());
    assertThat(plan).hasSize(9).allMatch(d -> d.reason() == Reason.EXPIRED);
    assertThat(plan).allMatch(d -> d.id().startTime().isBefore(NOW.minus(Duration.ofDays(30))));
  }

  @Test
  void neverDeletesTheNewestMinKeepGoodBackupsEvenWhenAllExpired() {
    List<Manifest> old =
        List.of(
            manifest(NOW.minus(Duration.ofDays(100))),
            manifest(NOW.minus(Duration.ofDays(90))),
            manifest(NOW.minus(Duration.ofDays(80))));
    Catalog c = catalog(old, List.of());
    BackupId none = BackupId.generate(NOW);
    assertThat(new RetentionPolicy(30, 1, Duration.ofHours(2)).plan(c, NOW, none))
        .extracting(d -> d.id().value())
        .containsExactlyInAnyOrder(old.get(0).id(), old.get(1).id());
    assertThat(new RetentionPolicy(30, 3, Duration.ofHours(2)).plan(c, NOW, none)).isEmpty();
  }

  @Test
  void removesAbandonedFoldersOnlyWhenOlderThanTheTimeoutAndNeverTheCurrentRun() {
    BackupId old = BackupId.generate(NOW.minus(Duration.ofHours(3)));
    BackupId young = BackupId.generate(NOW.minus(Duration.ofMinutes(30)));
    BackupId current = BackupId.generate(NOW.minus(Duration.ofHours(5)));
    Catalog c = catalog(daily(1), List.of(old, young, current));
    var plan = new RetentionPolicy(30, 1, Duration.ofHours(2)).plan(c, NOW, current);
    assertThat(plan)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.id()).isEqualTo(old);
              assertThat(d.reason()).isEqualTo(Reason.ABANDONED);
            });
  }

  @Test
  void aBackupStartedExactlyAtTheLimitIsKept() {
    Catalog c =
        catalog(List.of(manifest(NOW), manifest(NOW.minus(Duration.ofDays(30)))), List.of());
    assertThat(new RetentionPolicy(30, 1, Duration.ofHours(2)).plan(c, NOW, BackupId.generate(NOW)))
        .isEmpty();
  }

  @Test
  void anUnreadableFolderMeansNothingIsDeletedNotEvenWhatHasExpired() {
    BackupId old = BackupId.generate(NOW.minus(Duration.ofHours(3)));
    BackupId unreadable = BackupId.generate(NOW.minus(Duration.ofDays(90)));
    List<Manifest> good = daily(40);
    good.sort(Comparator.comparing(Manifest::startTime).reversed());
    Catalog c =
        new Catalog(
            good,
            List.of(old),
            List.of(new Catalog.Unreadable(unreadable, "500 Internal Server Error", false)));
    assertThat(new RetentionPolicy(30, 1, Duration.ofHours(2)).plan(c, NOW, BackupId.generate(NOW)))
        .isEmpty();
  }

  static Manifest failedRestore(Instant start) {
    Manifest m = manifest(start);
    Manifest.Verification v =
        new Manifest.Verification(
            false,
            "restore",
            start,
            "verification by restore failed",
            new Manifest.Restore("storage", "failed", 1, 1, 1, 1, 0, 1.0, "ERROR: boom"));
    return m.toBuilder()
        .verification(v)
        .auditChainHead(null)
        .content(null)
        .incremental(null)
        .build();
  }

  @Test
  void aBackupThatFailedVerificationByRestoreNeverCountsTowardMinKeep() {
    // Newest first: two that failed verification by restore, then three good ones; all expired.
    Instant old = NOW.minus(Duration.ofDays(40));
    List<Manifest> all = new ArrayList<>();
    all.add(failedRestore(old));
    all.add(failedRestore(old.minus(Duration.ofDays(1))));
    for (int d = 2; d < 5; d++) {
      all.add(manifest(old.minus(Duration.ofDays(d))));
    }
    Catalog c = catalog(all, List.of());
    var plan = new RetentionPolicy(30, 2, Duration.ofHours(2)).plan(c, NOW, BackupId.generate(NOW));
    // The two newest good ones are kept; both failed ones and the oldest good one go.
    assertThat(plan)
        .extracting(d -> d.id().value())
        .containsExactlyInAnyOrder(all.get(0).id(), all.get(1).id(), all.get(4).id());
    assertThat(c.latest()).map(Manifest::id).contains(all.get(2).id());
  }
}
