package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import java.time.Duration;

/** Sends one notification to one channel of its kind, once: {@link DefaultNotifier} retries. */
interface ChannelSender {
  /** The channel's kind as the resource spells it: email, slack, pagerDuty, webhook. */
  String kind();

  /**
   * @param timeout the time limit of this attempt
   * @throws NotificationException naming the problem, never a secret
   */
  void send(
      Notification notification,
      NotificationChannelSpec channel,
      SecretSource secrets,
      Duration timeout)
      throws NotificationException;
}
