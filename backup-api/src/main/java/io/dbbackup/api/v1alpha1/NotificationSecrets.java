package io.dbbackup.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/**
 * The Secret keys a notifications spec names, each with its field path: the one list the validator
 * checks names against, the controller checks for existence and reads when it sends, and the chart
 * test compares with the Role it renders for the default channels.
 */
public final class NotificationSecrets {
  /**
   * One Secret key reference and the field that holds it, e.g. {@code ...email.passwordSecretRef}.
   */
  public record Entry(String fieldPath, SecretKeyRef ref) {}

  /** Where {@link #of(NotificationsSpec)} says the channels of a DatabaseBackup live. */
  public static final String SPEC_CHANNELS = "spec.notifications.channels";

  private NotificationSecrets() {}

  /** The references of a DatabaseBackup's {@code spec.notifications}, in field order. */
  public static List<Entry> of(NotificationsSpec notifications) {
    return notifications == null ? List.of() : of(SPEC_CHANNELS, notifications.getChannels());
  }

  /**
   * The references of a list of channels whose path is {@code channelsPath} (e.g. {@code
   * notifications.defaultChannels} for the chart's defaults), in field order; references that are
   * not set are left out.
   */
  public static List<Entry> of(String channelsPath, List<NotificationChannelSpec> channels) {
    List<Entry> entries = new ArrayList<>();
    if (channels == null) {
      return entries;
    }
    for (int i = 0; i < channels.size(); i++) {
      NotificationChannelSpec channel = channels.get(i);
      if (channel == null) {
        continue;
      }
      String at = channelsPath + "[" + i + "]";
      EmailChannelSpec email = channel.getEmail();
      if (email != null) {
        add(entries, at + ".email.usernameSecretRef", email.getUsernameSecretRef());
        add(entries, at + ".email.passwordSecretRef", email.getPasswordSecretRef());
      }
      if (channel.getSlack() != null) {
        add(
            entries,
            at + ".slack.webhookUrlSecretRef",
            channel.getSlack().getWebhookUrlSecretRef());
      }
      if (channel.getPagerDuty() != null) {
        add(
            entries,
            at + ".pagerDuty.routingKeySecretRef",
            channel.getPagerDuty().getRoutingKeySecretRef());
      }
      WebhookChannelSpec webhook = channel.getWebhook();
      if (webhook != null) {
        add(entries, at + ".webhook.urlSecretRef", webhook.getUrlSecretRef());
        add(entries, at + ".webhook.signingKeySecretRef", webhook.getSigningKeySecretRef());
      }
    }
    return entries;
  }

  private static void add(List<Entry> entries, String field, SecretKeyRef ref) {
    if (ref != null) {
      entries.add(new Entry(field, ref));
    }
  }
}
