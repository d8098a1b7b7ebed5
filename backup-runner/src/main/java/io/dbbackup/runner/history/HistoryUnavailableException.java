package io.dbbackup.runner.history;

/** The history database could not be written. */
public final class HistoryUnavailableException extends RuntimeException {
  public HistoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
