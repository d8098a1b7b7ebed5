package io.dbbackup.api.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
  final List<Duration> waits = new ArrayList<>();
  final List<Integer> retried = new ArrayList<>();

  Retry base() {
    return Retry.backoff(Duration.ofSeconds(1)).sleepingWith(waits::add);
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void retriesUntilAnAttemptSucceedsDoublingTheWait() throws Exception {
    String result =
        base()
            .attempts(5)
            .call(
                n -> {
                  if (n < 4) {
                    throw new IOException("down " + n);
                  }
                  return "up at " + n;
                },
                e -> true,
                (e, n, wait) -> retried.add(n));
    assertThat(result).isEqualTo("up at 4");
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(retried).containsExactly(1, 2, 3);
  }

  @Test
  void theLastFailureIsThrownWhenTheAttemptsAreUsedUp() {
    assertThatThrownBy(
            () ->
                base()
                    .attempts(3)
                    .call(
                        n -> {
                          throw new IOException("down " + n);
                        },
                        e -> true,
                        null))
        .isInstanceOf(IOException.class)
        .hasMessage("down 3");
    assertThat(waits).hasSize(2);
  }

  @Test
  void aFailureNotWorthRetryingIsThrownAtOnce() {
    assertThatThrownBy(
            () ->
                base()
                    .attempts(5)
                    .call(
                        n -> {
                          throw new IllegalStateException("wrong password");
                        },
                        e -> e instanceof IOException,
                        null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("wrong password");
    assertThat(waits).isEmpty();
  }

  @Test
  void waitsStopGrowingAtTheCap() {
    Retry r = Retry.backoff(Duration.ofMillis(250)).atMost(Duration.ofSeconds(5));
    assertThat(List.of(r.delay(1), r.delay(2), r.delay(5), r.delay(6), r.delay(40)))
        .containsExactly(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
  }

  @Test
  void jitterAddsUpToTheWaitItself() throws Exception {
    base()
        .withJitter()
        .attempts(20)
        .call(
            n -> {
              if (n < 20) {
                throw new IOException("conflict");
              }
              return n;
            },
            e -> true,
            null);
    for (int i = 0; i < waits.size(); i++) {
      Duration plain = Duration.ofSeconds(1).multipliedBy(1L << i);
      assertThat(waits.get(i)).isBetween(plain, plain.multipliedBy(2));
    }
    assertThat(waits).hasSize(19);
  }

  @Test
  void noWaitEndsPastTheDeadline() {
    AtomicLong now = new AtomicLong(0);
    Retry r =
        Retry.backoff(Duration.ofSeconds(1))
            .sleepingWith(
                d -> {
                  waits.add(d);
                  now.addAndGet(d.toNanos());
                })
            .clock(now::get)
            .until(Duration.ofSeconds(10).toNanos());
    assertThatThrownBy(
            () ->
                r.call(
                    n -> {
                      throw new IOException("down " + n);
                    },
                    e -> true,
                    null))
        .hasMessage("down 4");
    // waits of 1, 2 and 4 s end at 7 s; the next, of 8 s, would end at 15 s, past the 10 s
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void anInterruptedWaitStopsAndKeepsTheInterrupt() {
    Retry r =
        Retry.backoff(Duration.ofSeconds(1))
            .sleepingWith(
                d -> {
                  throw new InterruptedException("stop");
                });
    assertThatThrownBy(
            () ->
                r.call(
                    n -> {
                      throw new IOException("down");
                    },
                    e -> true,
                    null))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void badLimitsAreRefusedNamingThem() {
    assertThatThrownBy(() -> Retry.backoff(Duration.ofSeconds(-1)))
        .hasMessageContaining("initial backoff");
    assertThatThrownBy(() -> base().attempts(0)).hasMessageContaining("attempts");
  }
}
