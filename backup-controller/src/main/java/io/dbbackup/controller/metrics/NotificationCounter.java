package io.dbbackup.controller.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code dbbackup_notifications_total{channel,event,result}}: deliveries by channel name ({@code
 * defaults/<name>} for the chart's default channels), event and result ({@code sent}, {@code
 * failed}). Resets when the controller restarts, as {@code rate()} expects.
 */
public final class NotificationCounter {
  private record Key(String channel, String event, String result) {}

  private final ConcurrentMap<Key, Long> counts = new ConcurrentHashMap<>();

  public void count(String channel, String event, String result) {
    counts.merge(new Key(channel, event, result), 1L, Long::sum);
  }

  /** The current count, for tests. */
  public long get(String channel, String event, String result) {
    return counts.getOrDefault(new Key(channel, event, result), 0L);
  }

  CounterSnapshot snapshot() {
    CounterSnapshot.Builder b =
        CounterSnapshot.builder()
            .name("dbbackup_notifications")
            .help("Notification deliveries by channel, event and result (sent, failed).");
    List<Map.Entry<Key, Long>> entries = List.copyOf(counts.entrySet());
    for (Map.Entry<Key, Long> e : entries) {
      b.dataPoint(
          CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(
                  Labels.of(
                      "channel",
                      e.getKey().channel(),
                      "event",
                      e.getKey().event(),
                      "result",
                      e.getKey().result()))
              .value(e.getValue())
              .build());
    }
    return b.build();
  }
}
