package io.dbbackup.api.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The one retry loop: runs an attempt until it succeeds, its failure is not worth retrying, the
 * attempts are used up, or the next wait would end past a deadline. Waits back off exponentially:
 * {@code initial}, doubling after each failure, at most {@code max}; with jitter each wait adds a
 * random part of up to itself (so concurrent writers do not retry in step).
 *
 * <p>The last failure is thrown as it is; the caller turns it into its own error (it can tell a
 * failure not worth retrying from one that used up the attempts with the same predicate). An
 * interrupted wait throws {@link InterruptedException} with the thread's interrupt flag set again.
 * Immutable and thread-safe.
 *
 * @param initial the first wait
 * @param max the longest wait before jitter; null: no cap
 * @param jitter whether each wait adds a random part of up to itself
 * @param attempts the most attempts in all
 * @param deadline no wait ends at or after it ({@link System#nanoTime()} time); null: none
 */
public record Retry(
    Duration initial,
    Duration max,
    boolean jitter,
    int attempts,
    Long deadline,
    Sleeper sleeper,
    LongSupplier nanoTime) {
  /** Waits between attempts; tests pass one that records the waits instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** One attempt, told its number (1 for the first). */
  @FunctionalInterface
  public interface Attempt<T, E extends Exception> {
    T run(int attempt) throws E;
  }

  /** Told of each failure that is retried, before the wait. */
  @FunctionalInterface
  public interface Listener {
    void retrying(Exception failure, int attempt, Duration wait);
  }

  private static final int MAX_DOUBLINGS = 30;

  public Retry {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(nanoTime, "nanoTime");
    if (initial.isNegative()) {
      throw new IllegalArgumentException("initial backoff must not be negative, got " + initial);
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
  }

  /**
   * Waits from {@code initial}, doubling without a cap, no jitter, any number of attempts, real
   * sleeps: narrow it with the other methods.
   */
  public static Retry backoff(Duration initial) {
    return new Retry(
        initial, null, false, Integer.MAX_VALUE, null, d -> Thread.sleep(d), System::nanoTime);
  }

  /** No wait longer than {@code cap} (jitter not counted). */
  public Retry atMost(Duration cap) {
    Objects.requireNonNull(cap, "cap");
    return new Retry(initial, cap, jitter, attempts, deadline, sleeper, nanoTime);
  }

  /** Each wait plus a random part of up to itself. */
  public Retry withJitter() {
    return new Retry(initial, max, true, attempts, deadline, sleeper, nanoTime);
  }

  /** At most {@code n} attempts in all (at least 1). */
  public Retry attempts(int n) {
    return new Retry(initial, max, jitter, n, deadline, sleeper, nanoTime);
  }

  /** No wait that would end at or after {@code deadlineNanos} ({@link System#nanoTime()} time). */
  public Retry until(long deadlineNanos) {
    return new Retry(initial, max, jitter, attempts, deadlineNanos, sleeper, nanoTime);
  }

  /** Waits with {@code s} instead of {@link Thread#sleep}. */
  public Retry sleepingWith(Sleeper s) {
    return new Retry(initial, max, jitter, attempts, deadline, s, nanoTime);
  }

  /** Reads the time for {@link #until} from {@code clock} (tests). */
  Retry clock(LongSupplier clock) {
    return new Retry(initial, max, jitter, attempts, deadline, sleeper, clock);
  }

  /** The wait after the {@code failures}-th failure, before jitter. */
  public Duration delay(int failures) {
    Duration d = initial.multipliedBy(1L << Math.min(failures - 1, MAX_DOUBLINGS));
    return max != null && d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Runs {@code attempt} until it returns, retrying the failures {@code retryable} accepts.
   *
   * @param listener told of each retried failure and the wait before the next attempt; may be null
   * @throws E the failure of the last attempt: one {@code retryable} refuses, or the last allowed
   * @throws InterruptedException when a wait is interrupted (the interrupt flag is set again)
   */
  public <T, E extends Exception> T call(
      Attempt<T, E> attempt, Predicate<? super Exception> retryable, Listener listener)
      throws E, InterruptedException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run(n);
      } catch (Exception e) {
        Duration wait = jittered(delay(n));
        if (!retryable.test(e) || n >= attempts || pastDeadline(wait)) {
          throw e;
        }
        if (listener != null) {
          listener.retrying(e, n, wait);
        }
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw ie;
        }
      }
    }
  }

  private Duration jittered(Duration d) {
    if (!jitter || d.isZero()) {
      return d;
    }
    long nanos = d.toNanos();
    return d.plusNanos(ThreadLocalRandom.current().nextLong(nanos + 1));
  }

  private boolean pastDeadline(Duration wait) {
    return deadline != null && nanoTime.getAsLong() + wait.toNanos() >= deadline;
  }
}
