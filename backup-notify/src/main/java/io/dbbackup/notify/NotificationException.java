package io.dbbackup.notify;

/** A channel could not deliver; the message names the channel's problem and never a secret. */
public class NotificationException extends Exception {
  private final boolean retryable;

  public NotificationException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public NotificationException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether trying again may help (a timeout, a 5xx, a 429), as opposed to a 4xx or bad config. */
  public boolean retryable() {
    return retryable;
  }
}
