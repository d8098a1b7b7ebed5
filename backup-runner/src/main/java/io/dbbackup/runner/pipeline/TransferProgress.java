package io.dbbackup.runner.pipeline;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte counters of a long phase, and a daemon thread that logs a progress line every interval
 * (bytes and rate) even while the source is slow or stalled.
 */
public final class TransferProgress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransferProgress.class);

  private final String phase;
  private final AtomicLong plainBytes = new AtomicLong();
  private final AtomicLong storedBytes = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final Thread reporter;

  public TransferProgress(String phase, Duration interval) {
    this.phase = phase;
    java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
    this.reporter =
        Thread.ofPlatform()
            .daemon()
            .name("progress-" + phase)
            .start(
                () -> {
                  if (context != null) {
                    org.slf4j.MDC.setContextMap(context);
                  }
                  try {
                    while (true) {
                      Thread.sleep(interval);
                      report();
                    }
                  } catch (InterruptedException e) {
                    // closed
                  }
                });
  }

  public AtomicLong plainBytes() {
    return plainBytes;
  }

  public AtomicLong storedBytes() {
    return storedBytes;
  }

  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Plain megabytes (10^6) per second so far. */
  public double rateMBps() {
    double seconds = Math.max(elapsed().toNanos() / 1e9, 1e-9);
    return plainBytes.get() / 1e6 / seconds;
  }

  void report() {
    LOG.atInfo()
        .addKeyValue("event", "progress")
        .addKeyValue("phase", phase)
        .addKeyValue("bytes", plainBytes.get())
        .addKeyValue("stored_bytes", storedBytes.get())
        .addKeyValue("rate_mb_s", String.format(Locale.ROOT, "%.1f", rateMBps()))
        .addKeyValue("elapsed_s", elapsed().toSeconds())
        .log(phase + " in progress");
  }

  @Override
  public void close() {
    reporter.interrupt();
  }
}
