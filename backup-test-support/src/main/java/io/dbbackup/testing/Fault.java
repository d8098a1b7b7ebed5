package io.dbbackup.testing;

import java.time.Duration;

/**
 * What {@link FaultProxy} does to one request: forward it (after a delay, or cut after the first
 * bytes of its body), answer it in the store's place, or never answer it.
 *
 * @param delay how long {@link Kind#DELAY} waits before forwarding
 * @param dropAfter how many body bytes {@link Kind#DROP} forwards before resetting both sides
 * @param response the whole response {@link Kind#RESPOND} answers
 */
record Fault(Kind kind, Duration delay, long dropAfter, byte[] response) {
  enum Kind {
    /** Forwards unchanged. */
    PASS,
    /** Reads the body and answers {@link Fault#response()}, closing the connection. */
    RESPOND,
    /** Forwards after {@link Fault#delay()}. */
    DELAY,
    /** Neither reads the body nor answers, until the proxy is closed. */
    HANG,
    /** Reads the body and never answers, until the proxy is closed. */
    STALL,
    /** Forwards the head and {@link Fault#dropAfter()} bytes of the body, then resets. */
    DROP
  }

  static final Fault PASS = new Fault(Kind.PASS, Duration.ZERO, 0, null);

  static Fault respond(byte[] response) {
    return new Fault(Kind.RESPOND, Duration.ZERO, 0, response);
  }

  /** How many bytes of the body to forward. */
  long bodyLimit() {
    return kind == Kind.DROP ? dropAfter : Long.MAX_VALUE;
  }
}
