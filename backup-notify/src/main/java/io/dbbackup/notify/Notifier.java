package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import java.util.List;

/**
 * Delivers one notification to the given channels: each channel on its own (one dead channel never
 * delays the others), retried with backoff for retryable errors, with a time limit per call and in
 * all. Never throws: every outcome is a {@link ChannelResult}. The caller filters channels by
 * event; a PagerDuty channel turns BackupRecovered into a {@code resolve} of the resource's open
 * incidents and every other event into a {@code trigger} with a dedup_key per resource and event.
 *
 * <p>{@link DefaultNotifier} is the implementation.
 */
public interface Notifier extends AutoCloseable {
  List<ChannelResult> deliver(
      Notification notification, List<NotificationChannelSpec> channels, SecretSource secrets);

  @Override
  default void close() {}
}
