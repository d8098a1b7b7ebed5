package io.dbbackup.controller.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the controller notifies: the chart's default channels (their Secrets in {@code
 * defaultsNamespace}, the controller's own) and the pacing of delivery.
 *
 * @param defaultChannels {@code notifications.defaultChannels} of the chart: used for every
 *     DatabaseBackup unless it sets {@code useDefaults: false}
 * @param defaultsNamespace where the default channels' Secrets are; null: the client's namespace
 * @param scanInterval how often every resource is looked at for conditions that arise with time
 *     (BackupStale) and for deliveries that are due again
 * @param retryFailedAfter how soon a delivery a channel refused is tried again while it is current
 * @param maxRecords how many records {@code status.notifications} keeps (newest first)
 * @param restoreWindow a finished DatabaseRestore is notified only this long after it ended (after
 *     a restart, so that old restores are not announced again)
 */
public record NotificationSettings(
    List<NotificationChannelSpec> defaultChannels,
    String defaultsNamespace,
    Duration scanInterval,
    Duration retryFailedAfter,
    int maxRecords,
    Duration restoreWindow) {
  public static final String DEFAULTS_FILE_ENV = "DBBACKUP_NOTIFICATION_DEFAULTS_FILE";
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  public NotificationSettings {
    defaultChannels = List.copyOf(defaultChannels);
  }

  /** The production pacing: a scan every 30 s, a refused delivery again after 5 min, 50 records. */
  public static NotificationSettings standard(
      List<NotificationChannelSpec> defaults, String defaultsNamespace) {
    return new NotificationSettings(
        defaults,
        defaultsNamespace,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        50,
        Duration.ofHours(1));
  }

  public NotificationSettings withScanInterval(Duration interval) {
    return new NotificationSettings(
        defaultChannels, defaultsNamespace, interval, retryFailedAfter, maxRecords, restoreWindow);
  }

  public NotificationSettings withRetryFailedAfter(Duration retry) {
    return new NotificationSettings(
        defaultChannels, defaultsNamespace, scanInterval, retry, maxRecords, restoreWindow);
  }

  /**
   * Reads the chart's default channels: a JSON array of channels in the shape of {@code
   * spec.notifications.channels}.
   *
   * @throws IllegalArgumentException naming the file, the entry and what was expected
   */
  public static List<NotificationChannelSpec> readDefaults(Path file) {
    String where = DEFAULTS_FILE_ENV + " (" + file + ")";
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot be read: " + e.getMessage(), e);
    }
    List<NotificationChannelSpec> channels;
    try {
      channels = JSON.readValue(text, new TypeReference<List<NotificationChannelSpec>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where
              + ": expected a JSON array of notification channels (name, events and one of email,"
              + " slack, pagerDuty, webhook): "
              + e.getOriginalMessage(),
          e);
    }
    if (channels == null) {
      return List.of();
    }
    List<String> problems = problems(channels);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(where + ": " + String.join("; ", problems));
    }
    return channels;
  }

  /** What is wrong with a list of channels: name, uniqueness, exactly one kind. */
  static List<String> problems(List<NotificationChannelSpec> channels) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < channels.size(); i++) {
      NotificationChannelSpec c = channels.get(i);
      String at = "[" + i + "]";
      if (c == null) {
        problems.add(at + ": expected a channel object, got null");
        continue;
      }
      if (c.getName() == null || !NAME.matcher(c.getName()).matches()) {
        problems.add(
            at
                + ".name: "
                + (c.getName() == null ? "missing" : "\"" + c.getName() + "\" is not valid")
                + "; expected a lower-case DNS label (a-z, 0-9, '-', at most 63 characters)");
      } else if (!names.add(c.getName())) {
        problems.add(at + ".name: \"" + c.getName() + "\" is used twice; expected unique names");
      }
      int kinds =
          (c.getEmail() != null ? 1 : 0)
              + (c.getSlack() != null ? 1 : 0)
              + (c.getPagerDuty() != null ? 1 : 0)
              + (c.getWebhook() != null ? 1 : 0);
      if (kinds != 1) {
        problems.add(
            at + ": has " + kinds + " of email, slack, pagerDuty, webhook; expected exactly one");
      }
    }
    return problems;
  }
}
