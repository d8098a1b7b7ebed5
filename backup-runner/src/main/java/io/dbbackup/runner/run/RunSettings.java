package io.dbbackup.runner.run;

import io.dbbackup.runner.db.DatabaseProbe;
import java.time.Clock;
import java.time.Duration;

/**
 * How a run behaves beyond its resource: clock, progress interval, observers. {@code
 * timeoutOverride} replaces spec.timeoutMinutes when set (tests; null in production).
 */
public record RunSettings(
    Clock clock,
    Duration progressInterval,
    DatabaseProbe.Sleeper sleeper,
    RunListener listener,
    String runnerHost,
    Duration timeoutOverride) {

  public static RunSettings defaults() {
    return new RunSettings(
        Clock.systemUTC(),
        Duration.ofSeconds(10),
        Thread::sleep,
        RunListener.NONE,
        RunnerHost.name(),
        null);
  }

  public RunSettings withClock(Clock c) {
    return new RunSettings(c, progressInterval, sleeper, listener, runnerHost, timeoutOverride);
  }

  public RunSettings withListener(RunListener l) {
    return new RunSettings(clock, progressInterval, sleeper, l, runnerHost, timeoutOverride);
  }

  public RunSettings withProgressInterval(Duration d) {
    return new RunSettings(clock, d, sleeper, listener, runnerHost, timeoutOverride);
  }

  public RunSettings withTimeout(Duration d) {
    return new RunSettings(clock, progressInterval, sleeper, listener, runnerHost, d);
  }
}
