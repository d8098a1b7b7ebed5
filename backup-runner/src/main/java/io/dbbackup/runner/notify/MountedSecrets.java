package io.dbbackup.runner.notify;

import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.notify.NotificationException;
import io.dbbackup.notify.SecretSource;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.RunnerException;

/**
 * A channel's Secrets as the runner reads all others: the file {@code <secrets-dir>/<name>/<key>},
 * a single trailing newline dropped. A missing file is the channel's error, naming the file.
 */
final class MountedSecrets implements SecretSource {
  static final String FIELD = "spec.notifications.channels";

  private final SecretFiles files;

  MountedSecrets(SecretFiles files) {
    this.files = files;
  }

  @Override
  public String read(SecretKeyRef ref) throws NotificationException {
    try {
      return files.read(FIELD, ref).value();
    } catch (RunnerException e) {
      throw new NotificationException(e.getMessage(), false);
    }
  }
}
