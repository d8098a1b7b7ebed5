package io.dbbackup.runner.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import io.dbbackup.notify.ChannelResult;
import io.dbbackup.notify.DefaultNotifier;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.Notifier;
import io.dbbackup.notify.NotifierSettings;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunOutcome;
import io.dbbackup.runner.run.RunSettings;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup --notify}: the runner on its own (a batch server, no controller) sends
 * spec.notifications itself once the run has ended, for the events a run can know (see {@link
 * RunNotifications}). Each channel gets the events it lists. Nothing here changes the run's exit
 * code: a channel that fails is logged, with its name and never its secrets.
 */
public final class StandaloneNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneNotifier.class);

  private final BackupConfig config;
  private final RunSettings settings;

  public StandaloneNotifier(BackupConfig config, RunSettings settings) {
    this.config = config;
    this.settings = settings;
    if (channels().isEmpty()) {
      LOG.atWarn()
          .addKeyValue("event", "notify_no_channels")
          .log("--notify is set but spec.notifications.channels is empty: nothing will be sent");
    }
  }

  /** After a backup run: derives and sends the run's notifications. */
  public void afterRun(RunOutcome outcome) {
    try {
      boolean ok = outcome.exitCode() == ExitCode.OK;
      String id = outcome.record() == null ? null : outcome.record().backupId();
      send(
          new RunNotifications.Facts(
              outcome.exitCode(),
              outcome.record(),
              outcome.message(),
              timeout(),
              ok ? previousRuns(id) : null,
              volumeUsage(),
              settings.clock().instant()));
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "notify_failed")
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("notifications could not be prepared");
    }
  }

  /** A run that could not start (its tools or store unusable): BackupFailed with that code. */
  public void failedToStart(ExitCode code, String message) {
    try {
      send(
          new RunNotifications.Facts(
              code, null, message, timeout(), null, null, settings.clock().instant()));
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "notify_failed")
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("notifications could not be prepared");
    }
  }

  private void send(RunNotifications.Facts facts) {
    List<NotificationChannelSpec> all = channels();
    if (all.isEmpty()) {
      return;
    }
    MountedSecrets secrets = new MountedSecrets(config.secrets());
    try (Notifier notifier = new DefaultNotifier(NotifierSettings.defaults())) {
      for (Notification n : RunNotifications.derive(config, facts)) {
        List<NotificationChannelSpec> subscribed =
            all.stream().filter(c -> c.effectiveEvents().contains(n.event())).toList();
        if (subscribed.isEmpty()) {
          continue;
        }
        List<ChannelResult> results = notifier.deliver(n, subscribed, secrets);
        for (ChannelResult r : results) {
          var line =
              (r.delivered() ? LOG.atInfo() : LOG.atWarn())
                  .addKeyValue("event", r.delivered() ? "notified" : "notify_channel_failed")
                  .addKeyValue("notification", n.event())
                  .addKeyValue("channel", r.channel())
                  .addKeyValue("attempts", r.attempts());
          if (r.delivered()) {
            line.log(n.event() + " sent to " + r.channel());
          } else {
            line.addKeyValue("error", r.error()).log(n.event() + " not sent to " + r.channel());
          }
        }
      }
    }
  }

  private List<NotificationChannelSpec> channels() {
    NotificationsSpec spec = config.spec().getNotifications();
    return spec == null || spec.getChannels() == null ? List.of() : spec.getChannels();
  }

  private Duration timeout() {
    return settings.timeoutOverride() != null
        ? settings.timeoutOverride()
        : Duration.ofMinutes(config.spec().getTimeoutMinutes());
  }

  /** Earlier runs from backup_history; null (unknown) when history is off or unreadable. */
  private PreviousRuns previousRuns(String currentId) {
    if (!config.spec().getHistory().isEnabled()) {
      return null;
    }
    try {
      return PreviousRuns.read(config, currentId);
    } catch (SQLException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", "notify_history_unreadable")
          .addKeyValue("error", e.getMessage())
          .log("backup_history could not be read: BackupRecovered and SizeChanged are not known");
      return null;
    }
  }

  private VolumeUsage volumeUsage() {
    var volume = config.spec().getStorage().getVolume();
    return volume == null || volume.getPath() == null
        ? null
        : VolumeUsage.of(Path.of(volume.getPath()));
  }
}
