package io.dbbackup.notify;

/** How urgent a notification is; PagerDuty's severities, in the webhook body lower-case. */
public enum Severity {
  CRITICAL,
  ERROR,
  WARNING,
  INFO
}
