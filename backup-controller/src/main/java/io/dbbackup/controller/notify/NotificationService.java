package io.dbbackup.controller.notify;

import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import io.dbbackup.controller.BackupEvents;
import io.dbbackup.controller.metrics.NotificationCounter;
import io.dbbackup.notify.ChannelResult;
import io.dbbackup.notify.Notifier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
  private static final Duration LEDGER_KEEP = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final Notifier notifier;
  private final NotificationSettings settings;
  private final Clock clock;
  private final NotificationCounter counter;
  private final BackupEvents events;
  private final StatusPatcher patcher;
  private final ScheduledExecutorService scan;
  private final ExecutorService records;
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

  /** Backup uid → channel|key → what this process recorded. */
  private final ConcurrentMap<String, ConcurrentMap<String, NotificationRecord>> ledger =
      new ConcurrentHashMap<>();

  /** namespace/name → records waiting to be written. */
  private final ConcurrentMap<String, ConcurrentLinkedQueue<NotificationRecord>> pending =
      new ConcurrentHashMap<>();

  private volatile Supplier<? extends Collection<DatabaseBackup>> backups = List::of;
  private volatile boolean closed;

  public NotificationService(
      KubernetesClient client,
      Notifier notifier,
      NotificationSettings settings,
      Clock clock,
      NotificationCounter counter) {
    this.client = client;
    this.notifier = notifier;
    this.settings = settings;
    this.clock = clock;
    this.counter = counter;
    this.events = new BackupEvents(client, clock);
    this.patcher = new StatusPatcher(client);
    this.scan = Executors.newSingleThreadScheduledExecutor(daemon("notification-scan"));
    this.records = Executors.newSingleThreadExecutor(daemon("notification-records"));
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
          ledger.keySet().retainAll(present);
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
    List<NotificationRecord> known = known(backup, now);
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
                  deliver(backup, subject, h, t, flight);
                } finally {
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

  /** The status's records plus what this process recorded that the status may not show yet. */
  private List<NotificationRecord> known(DatabaseBackup backup, Instant now) {
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

  private void deliver(
      DatabaseBackup backup, HasMetadata subject, Happening h, ChannelTarget t, String flight) {
    try {
      KubernetesSecretSource secrets = new KubernetesSecretSource(client, t.secretNamespace());
      ChannelResult result = send(h, t, secrets);
      boolean sent = result.delivered();
      String error =
          sent
              ? null
              : secrets.redact(
                  secrets.problem() != null
                      ? secrets.problem()
                      : java.util.Objects.requireNonNullElse(result.error(), "not delivered"));
      Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      NotificationRecord record =
          new NotificationRecord(
              h.key(),
              t.name(),
              h.event(),
              at.toString(),
              sent ? DeliveryPlan.SENT : DeliveryPlan.FAILED);
      ledger
          .computeIfAbsent(backup.getMetadata().getUid(), k -> new ConcurrentHashMap<>())
          .put(t.name() + "|" + h.key(), record);
      counter.count(t.name(), h.event().name(), sent ? "sent" : "failed");
      report(subject, h, t, result, error);
      record(backup, record);
    } finally {
      inFlight.remove(flight);
    }
  }

  /** The notifier's result for one channel; a notifier that throws is a failed delivery. */
  private ChannelResult send(Happening h, ChannelTarget t, KubernetesSecretSource secrets) {
    try {
      List<ChannelResult> results = notifier.deliver(h.notification(), List.of(t.spec()), secrets);
      return results == null || results.isEmpty()
          ? new ChannelResult(t.spec().getName(), false, 0, "the notifier gave no result")
          : results.getFirst();
    } catch (RuntimeException e) {
      return new ChannelResult(t.spec().getName(), false, 1, e.getClass().getSimpleName());
    }
  }

  /** A log line, and for a failure a Warning Event on the subject; {@code error} is redacted. */
  private void report(
      HasMetadata subject, Happening h, ChannelTarget t, ChannelResult result, String error) {
    String ns = subject.getMetadata().getNamespace();
    String name = subject.getMetadata().getName();
    if (result.delivered()) {
      LOG.info(
          "notification sent namespace={} name={} channel={} event={} key={} attempts={}",
          ns,
          name,
          t.name(),
          h.event(),
          h.key(),
          result.attempts());
      return;
    }
    LOG.warn(
        "notification failed namespace={} name={} channel={} event={} key={} attempts={}"
            + " error=\"{}\"",
        ns,
        name,
        t.name(),
        h.event(),
        h.key(),
        result.attempts(),
        error);
    events.warning(
        subject,
        "NotificationFailed",
        "channel "
            + t.name()
            + " could not deliver "
            + h.event()
            + " ("
            + h.key()
            + "): "
            + error
            + "; tried again in "
            + settings.retryFailedAfter().toMinutes()
            + " min while it is current");
  }

  /** Queues {@code record} for {@code backup}'s status; the records thread writes the queue. */
  private void record(DatabaseBackup backup, NotificationRecord record) {
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
              list = DeliveryPlan.merge(list, r, settings.maxRecords());
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
    records.shutdown();
    try {
      records.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deliveries.shutdownNow();
    records.shutdownNow();
  }
}
