package io.dbbackup.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * How {@link DefaultNotifier} delivers: a time limit per call, retries with exponential backoff
 * (from {@code initialBackoff}, doubling, at most {@code maxBackoff}) up to {@code maxAttempts},
 * all within {@code channelTimeLimit} per channel; {@code parallelism} channels at once.
 *
 * @param pagerDutyEventsUrl the Events API v2 endpoint ({@link #PAGERDUTY_EVENTS_URL} by default)
 * @param smtpSocketFactory the TLS sockets for SMTP (STARTTLS and implicit TLS); null: the JVM's
 *     default trust store. Server certificates and host names are always checked.
 */
public record NotifierSettings(
    Duration callTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration channelTimeLimit,
    int parallelism,
    URI pagerDutyEventsUrl,
    SSLSocketFactory smtpSocketFactory) {

  public static final URI PAGERDUTY_EVENTS_URL =
      URI.create("https://events.pagerduty.com/v2/enqueue");

  public NotifierSettings {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(channelTimeLimit, "channelTimeLimit");
    Objects.requireNonNull(pagerDutyEventsUrl, "pagerDutyEventsUrl");
    if (!callTimeout.isPositive() || !channelTimeLimit.isPositive()) {
      throw new IllegalArgumentException("callTimeout and channelTimeLimit must be positive");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("expected 0 <= initialBackoff <= maxBackoff");
    }
    if (maxAttempts < 1 || parallelism < 1) {
      throw new IllegalArgumentException("maxAttempts and parallelism must be at least 1");
    }
  }

  /**
   * 10 s per call, 5 attempts from 2 s backoff up to 30 s, 2 minutes per channel, 16 channels at
   * once (more wait for a free thread, within the same 2 minutes).
   */
  public static NotifierSettings defaults() {
    return new NotifierSettings(
        Duration.ofSeconds(10),
        5,
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        Duration.ofMinutes(2),
        16,
        PAGERDUTY_EVENTS_URL,
        null);
  }

  public NotifierSettings withCallTimeout(Duration d) {
    return new NotifierSettings(
        d,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        channelTimeLimit,
        parallelism,
        pagerDutyEventsUrl,
        smtpSocketFactory);
  }

  public NotifierSettings withRetries(int attempts, Duration initial, Duration max) {
    return new NotifierSettings(
        callTimeout,
        attempts,
        initial,
        max,
        channelTimeLimit,
        parallelism,
        pagerDutyEventsUrl,
        smtpSocketFactory);
  }

  public NotifierSettings withChannelTimeLimit(Duration d) {
    return new NotifierSettings(
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        d,
        parallelism,
        pagerDutyEventsUrl,
        smtpSocketFactory);
  }

  public NotifierSettings withParallelism(int n) {
    return new NotifierSettings(
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        channelTimeLimit,
        n,
        pagerDutyEventsUrl,
        smtpSocketFactory);
  }

  public NotifierSettings withPagerDutyEventsUrl(URI url) {
    return new NotifierSettings(
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        channelTimeLimit,
        parallelism,
        url,
        smtpSocketFactory);
  }

  public NotifierSettings withSmtpSocketFactory(SSLSocketFactory factory) {
    return new NotifierSettings(
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        channelTimeLimit,
        parallelism,
        pagerDutyEventsUrl,
        factory);
  }
}
