package io.dbbackup.controller.notify;

import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NotificationService}'s record of what was sent: kept in memory per resource (until the
 * status read from the cache shows it, so a cache that lags the patch never causes a second send),
 * and written into {@code status.notifications} by one records thread ({@link
 * StatusPart#CONTROLLER} through {@link StatusPatcher}), several deliveries of one resource in one
 * patch.
 */
final class NotificationRecords implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);
  private static final Duration LEDGER_KEEP = Duration.ofMinutes(10);

  private final StatusPatcher patcher;
  private final int maxRecords;
  private final ExecutorService records;

  /** Backup uid → channel|key → what this process recorded. */
  private final ConcurrentMap<String, ConcurrentMap<String, NotificationRecord>> ledger =
      new ConcurrentHashMap<>();

  /** namespace/name → records waiting to be written. */
  private final ConcurrentMap<String, ConcurrentLinkedQueue<NotificationRecord>> pending =
      new ConcurrentHashMap<>();

  NotificationRecords(StatusPatcher patcher, int maxRecords, ExecutorService records) {
    this.patcher = patcher;
    this.maxRecords = maxRecords;
    this.records = records;
  }

  /** Forgets the resources whose uid is not in {@code present} (deleted ones). */
  void retainAll(Set<String> present) {
    ledger.keySet().retainAll(present);
  }

  /** Keeps {@code record} in memory under {@code channelKey} ({@code channel|key}). */
  void remember(DatabaseBackup backup, String channelKey, NotificationRecord record) {
    ledger
        .computeIfAbsent(backup.getMetadata().getUid(), k -> new ConcurrentHashMap<>())
        .put(channelKey, record);
  }

  /** The status's records plus what this process recorded that the status may not show yet. */
  List<NotificationRecord> known(DatabaseBackup backup, Instant now) {
    List<NotificationRecord> stored =
        backup.getStatus() == null || backup.getStatus().getNotifications() == null
            ? List.of()
            : backup.getStatus().getNotifications();
    List<NotificationRecord> all = new ArrayList<>(stored);
    Map<String, NotificationRecord> mine = ledger.get(backup.getMetadata().getUid());
    if (mine != null) {
      mine.entrySet()
          .removeIf(
              e ->
                  DeliveryPlan.sentAt(e.getValue()).plus(LEDGER_KEEP).isBefore(now)
                      && stored.stream().anyMatch(r -> sameRecord(r, e.getValue())));
      all.addAll(mine.values());
    }
    return all;
  }

  private static boolean sameRecord(NotificationRecord a, NotificationRecord b) {
    return a != null
        && java.util.Objects.equals(a.getChannel(), b.getChannel())
        && java.util.Objects.equals(a.getKey(), b.getKey())
        && java.util.Objects.equals(a.getSentAt(), b.getSentAt())
        && java.util.Objects.equals(a.getResult(), b.getResult());
  }

  /** Queues {@code record} for {@code backup}'s status; the records thread writes the queue. */
  void write(DatabaseBackup backup, NotificationRecord record) {
    String ns = backup.getMetadata().getNamespace();
    String name = backup.getMetadata().getName();
    String where = ns + "/" + name;
    pending.computeIfAbsent(where, k -> new ConcurrentLinkedQueue<>()).add(record);
    try {
      records.execute(() -> write(ns, name, where));
    } catch (RejectedExecutionException e) {
      // closing: the in-memory ledger is gone with the process; a new leader may send it again
    }
  }

  private void write(String ns, String name, String where) {
    ConcurrentLinkedQueue<NotificationRecord> queue = pending.get(where);
    if (queue == null || queue.isEmpty()) {
      return;
    }
    List<NotificationRecord> batch = new ArrayList<>();
    for (NotificationRecord r; (r = queue.poll()) != null; ) {
      batch.add(r);
    }
    try {
      patcher.patch(
          ns,
          name,
          StatusPart.CONTROLLER,
          s -> {
            List<NotificationRecord> list = s.getNotifications();
            for (NotificationRecord r : batch) {
              list = DeliveryPlan.merge(list, r, maxRecords);
            }
            s.setNotifications(list);
          });
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record notifications namespace={} name={} code={}: {}",
          ns,
          name,
          e.getCode(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    records.shutdown();
    try {
      records.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    records.shutdownNow();
  }
}
