package io.dbbackup.runner.store.s3;

import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * Time limits on the store's requests, so a store that hangs cannot hold a run (the run's own
 * deadline, spec.timeoutMinutes, ends it in any case; these end a hung request well before).
 *
 * <ul>
 *   <li>{@code connect}: opening a TCP (and TLS) connection.
 *   <li>{@code socket}: the longest silence while a response is read (also a download's).
 *   <li>{@code acquire}: waiting for a pooled connection.
 *   <li>{@code request}: one attempt of a request without a body (HEAD, LIST, DELETE,
 *       CreateMultipartUpload, AbortMultipartUpload); an upload's attempt gets {@code request} plus
 *       its body at {@code minBytesPerSecond}; CompleteMultipartUpload gets 5 × {@code request} (a
 *       store assembles large objects slowly).
 * </ul>
 *
 * A whole call, its retries included (the SDK's standard mode: 3 attempts), gets 3 attempts plus 30
 * s of backoff. A download's stream is bounded by {@code socket} per read, not by a total.
 */
record S3Timeouts(
    Duration connect, Duration socket, Duration acquire, Duration request, long minBytesPerSecond) {

  static final S3Timeouts DEFAULT =
      new S3Timeouts(
          Duration.ofSeconds(10),
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          Duration.ofMinutes(2),
          1024 * 1024);

  static final int ATTEMPTS = 3;
  static final Duration BACKOFF = Duration.ofSeconds(30);

  S3Timeouts {
    for (Duration d : new Duration[] {connect, socket, acquire, request}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("S3 timeouts must be positive: " + d);
      }
    }
    if (minBytesPerSecond < 1) {
      throw new IllegalArgumentException("minBytesPerSecond must be positive");
    }
  }

  /** One attempt of a request sending {@code bodyBytes}. */
  Duration attempt(long bodyBytes) {
    return request.plusMillis(Math.ceilDiv(Math.max(0, bodyBytes) * 1000, minBytesPerSecond));
  }

  /** The whole call of a request sending {@code bodyBytes}, retries and backoff included. */
  Duration call(long bodyBytes) {
    return attempt(bodyBytes).multipliedBy(ATTEMPTS).plus(BACKOFF);
  }

  /** One attempt of CompleteMultipartUpload. */
  Duration completeAttempt() {
    return request.multipliedBy(5);
  }

  /** The override for a request sending {@code bodyBytes}. */
  AwsRequestOverrideConfiguration forBody(long bodyBytes) {
    return AwsRequestOverrideConfiguration.builder()
        .apiCallAttemptTimeout(attempt(bodyBytes))
        .apiCallTimeout(call(bodyBytes))
        .build();
  }

  /** The override for CompleteMultipartUpload. */
  AwsRequestOverrideConfiguration forCompletion() {
    return AwsRequestOverrideConfiguration.builder()
        .apiCallAttemptTimeout(completeAttempt())
        .apiCallTimeout(completeAttempt().multipliedBy(ATTEMPTS).plus(BACKOFF))
        .build();
  }
}
