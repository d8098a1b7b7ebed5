package io.dbbackup.runner.notify;

import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.ResourceRef;
import io.dbbackup.notify.Severity;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.Sizes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The notifications one finished run can know of itself (DESIGN "Notifications"): BackupFailed,
 * BackupRecovered (the previous finished run failed), CapacityLow (exit 4, or the volume at least
 * 80% full afterwards), Overtime (exit 11, or past 80% of the time limit), SizeChanged (stored size
 * more than 30% off the previous good backup) and BackupSucceeded. A run that found another one
 * holding the lock, or was outside its window, did not run: it reports nothing.
 */
final class RunNotifications {
  static final double CAPACITY_PERCENT = 80;
  static final double OVERTIME_SHARE = 0.8;
  static final double SIZE_CHANGE = 0.30;

  /**
   * What the run did.
   *
   * @param record the run's record, or null when the run ended before it had one
   * @param previous what history says about earlier runs; null when unknown
   * @param volume the backup volume's usage after the run; null for S3 or when unknown
   */
  record Facts(
      ExitCode exitCode,
      RunRecord record,
      String message,
      Duration timeout,
      PreviousRuns previous,
      VolumeUsage volume,
      Instant at) {
    boolean ok() {
      return exitCode == ExitCode.OK;
    }
  }

  private RunNotifications() {}

  static List<Notification> derive(BackupConfig config, Facts f) {
    List<Notification> out = new ArrayList<>();
    if (f.exitCode() == ExitCode.LOCKED || f.exitCode() == ExitCode.OUTSIDE_WINDOW) {
      return out;
    }
    failed(config, f).ifPresent(out::add);
    recovered(config, f).ifPresent(out::add);
    capacity(config, f).ifPresent(out::add);
    overtime(config, f).ifPresent(out::add);
    sizeChanged(config, f).ifPresent(out::add);
    succeeded(config, f).ifPresent(out::add);
    return out;
  }

  /** BackupFailed: the run did not end with exit 0. */
  private static Optional<Notification> failed(BackupConfig config, Facts f) {
    if (f.ok()) {
      return Optional.empty();
    }
    return Optional.of(
        notification(
            config,
            f,
            NotificationEvent.BackupFailed,
            Severity.CRITICAL,
            failure(f.exitCode()),
            Map.of()));
  }

  /** BackupRecovered: a good run after a failed one. */
  private static Optional<Notification> recovered(BackupConfig config, Facts f) {
    PreviousRuns previous = f.previous();
    if (!f.ok() || previous == null || !previous.lastFailed()) {
      return Optional.empty();
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("previousBackupId", previous.lastId());
    extra.put("previousExitCode", previous.lastExitCode());
    return Optional.of(
        notification(
            config,
            f,
            NotificationEvent.BackupRecovered,
            Severity.INFO,
            "backup succeeded again after a failed run",
            extra));
  }

  /** SizeChanged: a good run's stored size is more than {@link #SIZE_CHANGE} off the last one's. */
  private static Optional<Notification> sizeChanged(BackupConfig config, Facts f) {
    PreviousRuns previous = f.previous();
    Long before = previous == null ? null : previous.lastGoodStoredBytes();
    Long after = f.record() == null ? null : f.record().storedBytes();
    if (!f.ok() || before == null || before <= 0 || after == null) {
      return Optional.empty();
    }
    double change = (double) (after - before) / before;
    if (Math.abs(change) <= SIZE_CHANGE) {
      return Optional.empty();
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("previousBackupId", previous.lastGoodId());
    extra.put("previousStoredBytes", before);
    extra.put("changePercent", Math.round(change * 1000) / 10.0);
    return Optional.of(
        notification(
            config,
            f,
            NotificationEvent.SizeChanged,
            Severity.WARNING,
            String.format(
                Locale.ROOT,
                "stored size %s, %.0f%% %s than the previous good backup (%s)",
                Sizes.human(after),
                Math.abs(change) * 100,
                change > 0 ? "larger" : "smaller",
                Sizes.human(before)),
            extra));
  }

  /** BackupSucceeded: the run ended with exit 0; says the stored size and whether it verified. */
  private static Optional<Notification> succeeded(BackupConfig config, Facts f) {
    if (!f.ok()) {
      return Optional.empty();
    }
    RunRecord r = f.record();
    return Optional.of(
        notification(
            config,
            f,
            NotificationEvent.BackupSucceeded,
            Severity.INFO,
            "backup succeeded"
                + (r != null && r.storedBytes() != null ? ": " + Sizes.human(r.storedBytes()) : "")
                + (r != null && Boolean.TRUE.equals(r.verified()) ? ", verified" : ""),
            Map.of()));
  }

  private static Optional<Notification> capacity(BackupConfig config, Facts f) {
    if (f.exitCode() == ExitCode.NOT_ENOUGH_SPACE) {
      return Optional.of(
          notification(
              config,
              f,
              NotificationEvent.CapacityLow,
              Severity.ERROR,
              "the run was refused for space on the backup target",
              volumeDetails(f.volume())));
    }
    VolumeUsage v = f.volume();
    if (v != null && v.totalBytes() > 0 && v.usedPercent() >= CAPACITY_PERCENT) {
      return Optional.of(
          notification(
              config,
              f,
              NotificationEvent.CapacityLow,
              Severity.WARNING,
              String.format(
                  Locale.ROOT,
                  "backup volume %.0f%% full after the run (%s free)",
                  v.usedPercent(),
                  Sizes.human(v.usableBytes())),
              volumeDetails(v)));
    }
    return Optional.empty();
  }

  private static Map<String, Object> volumeDetails(VolumeUsage v) {
    Map<String, Object> extra = new LinkedHashMap<>();
    if (v != null) {
      extra.put("volumePath", v.path().toString());
      extra.put("usedPercent", Math.round(v.usedPercent() * 10) / 10.0);
      extra.put("freeBytes", v.usableBytes());
      extra.put("totalBytes", v.totalBytes());
    }
    return extra;
  }

  private static Optional<Notification> overtime(BackupConfig config, Facts f) {
    Duration limit = f.timeout();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("timeoutMinutes", limit == null ? null : limit.toSeconds() / 60.0);
    if (f.exitCode() == ExitCode.TIMEOUT) {
      return Optional.of(
          notification(
              config,
              f,
              NotificationEvent.Overtime,
              Severity.ERROR,
              "the run timed out" + (limit == null ? "" : " after " + minutes(limit)),
              extra));
    }
    RunRecord r = f.record();
    if (limit == null || r == null || r.durationMs() == null || limit.isZero()) {
      return Optional.empty();
    }
    double share = (double) r.durationMs() / limit.toMillis();
    if (share <= OVERTIME_SHARE) {
      return Optional.empty();
    }
    return Optional.of(
        notification(
            config,
            f,
            NotificationEvent.Overtime,
            Severity.WARNING,
            String.format(
                Locale.ROOT,
                "the run took %s of its %s limit (%.0f%%)",
                minutes(Duration.ofMillis(r.durationMs())),
                minutes(limit),
                share * 100),
            extra));
  }

  private static Notification notification(
      BackupConfig config,
      Facts f,
      NotificationEvent event,
      Severity severity,
      String summary,
      Map<String, Object> extra) {
    RunRecord r = f.record();
    Map<String, Object> details = new LinkedHashMap<>();
    if (f.exitCode() != ExitCode.OK) {
      details.put("exitCode", f.exitCode().code());
      details.put("reason", reason(f.exitCode()));
      details.put("message", f.message());
    }
    if (r != null) {
      details.put("storedBytes", r.storedBytes() == null ? 0L : r.storedBytes());
      if (r.durationMs() != null) {
        details.put("durationSeconds", r.durationMs() / 1000.0);
      }
      details.put("location", r.location());
      details.put("runnerHost", r.runnerHost());
    }
    details.putAll(extra);
    details.values().removeIf(Objects::isNull);
    String id = r == null ? null : r.backupId();
    var meta = config.resource().getMetadata();
    return new Notification(
        event.name() + "/" + (id == null ? f.at().toString() : id),
        event,
        severity,
        f.at(),
        new ResourceRef("DatabaseBackup", config.namespace(), config.name(), meta.getUid()),
        id,
        summary,
        details);
  }

  /** DATABASE_UNREACHABLE → DatabaseUnreachable. */
  static String reason(ExitCode code) {
    StringBuilder b = new StringBuilder();
    for (String part : code.name().toLowerCase(Locale.ROOT).split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }

  /** The line a person reads first about a failed run. */
  static String failure(ExitCode code) {
    return switch (code) {
      case INVALID_CONFIG -> "invalid configuration";
      case DATABASE_UNREACHABLE -> "database unreachable";
      case NOT_ENOUGH_SPACE -> "not enough disk space";
      case DUMP_FAILED -> "pg_dumpall failed";
      case STORAGE_FAILED -> "storing the backup failed";
      case VERIFICATION_FAILED -> "verification failed";
      case PERMISSION_DENIED -> "permission denied";
      case TIMEOUT -> "timed out";
      default -> "the run failed";
    };
  }

  private static String minutes(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + "s" : (s / 60) + "m";
  }
}
