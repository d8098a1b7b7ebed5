package io.dbbackup.controller.notify;

import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import io.dbbackup.controller.metrics.NotificationCounter;
import io.dbbackup.notify.Notifier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's one sender. Off the reconcile thread throughout:
 *
 * <ul>
 *   <li>one <em>scan</em> thread derives each resource's happenings ({@link
 *       NotificationDerivation}) when a reconcile says it changed ({@link #changed}) and for all
 *       resources in the controller's cache every {@code scanInterval} (conditions that arise with
 *       time: BackupStale; deliveries due again), and decides per channel what is due ({@link
 *       DeliveryPlan});
 *   <li>each due delivery runs on its own virtual thread (a dead channel delays nobody else), its
 *       Secrets read through the API ({@link KubernetesSecretSource});
 *   <li>one <em>records</em> thread writes what was sent into {@code status.notifications} (the
 *       controller's part of the status, through {@link StatusPatcher}: never the runner's fields),
 *       several deliveries of one resource in one patch.
 * </ul>
 *
 * What this process sent is also kept in memory until the status read from the cache shows it, so a
 * cache that lags the patch never causes a second send. Only the leader has a started cache, so
 * only the leader scans.
 */
public final class NotificationService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

  private final KubernetesClient client;
  private final NotificationSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService scan;
  private final NotificationRecords records;
  private final ChannelDelivery delivery;
  private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * Deliveries in flight per channel (a default channel by name, a resource's own by namespace and
   * name: resources of one namespace often share its Secret, so its peer): at most {@value
   * #PER_CHANNEL} at once, so that one dead peer cannot take every thread of the notifier; the rest
   * wait for a later scan.
   */
  private final ConcurrentMap<String, java.util.concurrent.atomic.AtomicInteger> perChannel =
      new ConcurrentHashMap<>();

  static final int PER_CHANNEL = 2;

  private volatile Supplier<? extends Collection<DatabaseBackup>> backups = List::of;
  private volatile boolean closed;

  public NotificationService(
      KubernetesClient client,
      Notifier notifier,
      NotificationSettings settings,
      Clock clock,
      NotificationCounter counter) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.scan = Executors.newSingleThreadScheduledExecutor(daemon("notification-scan"));
    this.records =
        new NotificationRecords(
            new StatusPatcher(client),
            settings.maxRecords(),
            Executors.newSingleThreadExecutor(daemon("notification-records")));
    this.delivery = new ChannelDelivery(client, notifier, settings, clock, counter, records);
  }

  /** Where the resources come from: the controller's primary cache once it has started. */
  public void readFrom(Supplier<? extends Collection<DatabaseBackup>> source) {
    this.backups = source;
  }

  /** Starts the periodic scan. */
  public void start() {
    long every = Math.max(1, settings.scanInterval().toMillis());
    scan.scheduleWithFixedDelay(this::scanAll, every, every, TimeUnit.MILLISECONDS);
  }

  /** A reconcile saw the resource: look at it soon, on the scan thread. Never blocks. */
  public void changed(DatabaseBackup backup) {
    DatabaseBackup copy = client.getKubernetesSerialization().clone(backup);
    submit(() -> evaluate(copy));
  }

  /**
   * A DatabaseRestore has finished (or a finished one was seen again): RestoreSucceeded or
   * RestoreFailed to its backup's channels, once, recorded in the backup's status. Never blocks.
   */
  public void restoreFinished(DatabaseRestore restore) {
    DatabaseRestore copy = client.getKubernetesSerialization().clone(restore);
    submit(() -> evaluateRestore(copy));
  }

  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      scan.execute(() -> guarded(task));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void scanAll() {
    guarded(
        () -> {
          Collection<DatabaseBackup> all = backups.get();
          Set<String> present =
              all.stream().map(b -> b.getMetadata().getUid()).collect(Collectors.toSet());
          records.retainAll(present);
          for (DatabaseBackup b : all) {
            guarded(() -> evaluate(b));
          }
        });
  }

  private static void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("notification check failed: {}", e.toString());
    }
  }

  void evaluate(DatabaseBackup backup) {
    if (backup.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    Instant now = clock.instant();
    List<Happening> happenings = NotificationDerivation.derive(backup, now);
    if (happenings.isEmpty()) {
      return;
    }
    dispatch(backup, backup, happenings, now);
  }

  void evaluateRestore(DatabaseRestore restore) {
    Instant now = clock.instant();
    DatabaseRestoreStatus s = restore.getStatus();
    if (s == null || s.getPhase() == null) {
      return;
    }
    Instant ended = NotificationDerivation.time(s.getCompletionTime()).orElse(now);
    if (ended.plus(settings.restoreWindow()).isBefore(now)) {
      return;
    }
    String ns = restore.getMetadata().getNamespace();
    String backupName = restore.getSpec().getBackupRef().getName();
    DatabaseBackup backup =
        client.resources(DatabaseBackup.class).inNamespace(ns).withName(backupName).get();
    if (backup == null) {
      LOG.info(
          "restore not notified namespace={} restore={}: DatabaseBackup {} not found",
          ns,
          restore.getMetadata().getName(),
          backupName);
      return;
    }
    RestoreNotifications.of(restore, now)
        .ifPresent(h -> dispatch(backup, restore, List.of(h), now));
  }

  /**
   * Starts the due deliveries of {@code happenings} about {@code subject} (the backup, or one of
   * its restores) to {@code backup}'s channels, recorded in {@code backup}'s status.
   */
  private void dispatch(
      DatabaseBackup backup, HasMetadata subject, List<Happening> happenings, Instant now) {
    String uid = backup.getMetadata().getUid();
    NotificationsSpec spec = backup.getSpec() == null ? null : backup.getSpec().getNotifications();
    List<ChannelTarget> targets =
        ChannelTarget.of(
            spec,
            backup.getMetadata().getNamespace(),
            settings.defaultChannels(),
            settings.defaultsNamespace() == null
                ? client.getNamespace()
                : settings.defaultsNamespace());
    if (targets.isEmpty()) {
      return;
    }
    List<NotificationRecord> known = records.known(backup, now);
    Duration repeat =
        Duration.ofMinutes(
            spec == null ? NotificationsSpec.DEFAULT_REPEAT_MINUTES : spec.getRepeatMinutes());
    for (Happening h : happenings) {
      for (ChannelTarget t : targets) {
        if (!DeliveryPlan.due(h, t, known, now, repeat, settings.retryFailedAfter())) {
          continue;
        }
        String flight = uid + "|" + t.name() + "|" + h.key();
        String peer = t.secretNamespace() + "|" + t.name();
        var busy =
            perChannel.computeIfAbsent(peer, k -> new java.util.concurrent.atomic.AtomicInteger());
        if (busy.get() >= PER_CHANNEL || !inFlight.add(flight)) {
          continue;
        }
        busy.incrementAndGet();
        try {
          deliveries.execute(
              () -> {
                try {
                  delivery.run(backup, subject, h, t);
                } finally {
                  inFlight.remove(flight);
                  busy.decrementAndGet();
                }
              });
        } catch (RejectedExecutionException e) {
          busy.decrementAndGet();
          inFlight.remove(flight);
        }
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return Thread.ofPlatform().name(name).daemon().factory();
  }

  @Override
  public void close() {
    closed = true;
    scan.shutdownNow();
    deliveries.shutdown();
    try {
      deliveries.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    records.close();
    deliveries.shutdownNow();
  }
}
