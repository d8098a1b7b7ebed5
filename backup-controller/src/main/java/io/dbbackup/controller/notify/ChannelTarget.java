package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One channel a resource's notifications go to.
 *
 * @param name as records, Events and metrics name it: the channel's own name for the resource's
 *     channels, {@code defaults/<name>} for the chart's default channels (so the two never clash)
 * @param secretNamespace where the channel's Secrets are read: the resource's namespace for its own
 *     channels, the controller's for the default ones
 */
public record ChannelTarget(String name, NotificationChannelSpec spec, String secretNamespace) {
  public static final String DEFAULTS_PREFIX = "defaults/";

  /**
   * Whether this channel gets {@code event}: its {@link NotificationChannelSpec#effectiveEvents()},
   * and for a PagerDuty channel that gets BackupFailed or BackupStale also BackupRecovered, which
   * resolves the incidents those opened.
   */
  public boolean receives(NotificationEvent event) {
    Set<NotificationEvent> events = spec.effectiveEvents();
    return events.contains(event)
        || (event == NotificationEvent.BackupRecovered
            && spec.getPagerDuty() != null
            && (events.contains(NotificationEvent.BackupFailed)
                || events.contains(NotificationEvent.BackupStale)));
  }

  /** The resource's own channels, then the defaults unless {@code useDefaults: false}. */
  public static List<ChannelTarget> of(
      io.dbbackup.api.v1alpha1.NotificationsSpec spec,
      String resourceNamespace,
      List<NotificationChannelSpec> defaults,
      String defaultsNamespace) {
    List<ChannelTarget> targets = new ArrayList<>();
    if (spec != null && spec.getChannels() != null) {
      for (NotificationChannelSpec c : spec.getChannels()) {
        if (c != null && c.getName() != null) {
          targets.add(new ChannelTarget(c.getName(), c, resourceNamespace));
        }
      }
    }
    if (spec == null || spec.isUseDefaults()) {
      for (NotificationChannelSpec c : defaults) {
        targets.add(new ChannelTarget(DEFAULTS_PREFIX + c.getName(), c, defaultsNamespace));
      }
    }
    return targets;
  }
}
