package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.SecretKeyRef;

/**
 * Reads one Secret key named by a channel: the controller reads it through the API (from the
 * resource's namespace, or the release namespace for default channels), the runner from a mounted
 * file. The value is never logged or put in a message.
 */
@FunctionalInterface
public interface SecretSource {
  /**
   * @throws NotificationException when the Secret or key cannot be read (message names the Secret
   *     and key, never a value)
   */
  String read(SecretKeyRef ref) throws NotificationException;
}
