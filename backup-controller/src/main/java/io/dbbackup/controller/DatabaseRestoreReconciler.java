package io.dbbackup.controller;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.controller.dependent.RestoreDependent;
import io.dbbackup.controller.dependent.RestoreJob;
import io.dbbackup.controller.notify.NotificationService;
import io.dbbackup.controller.restore.RestoreOutcome;
import io.dbbackup.controller.restore.RestoreWait;
import io.dbbackup.controller.status.RestoreStatus;
import io.dbbackup.controller.status.RestoreStatus.State;
import io.dbbackup.controller.validation.SpecCheck;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult.Operation;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a DatabaseRestore (API-308) once: checks it (an invalid one fails for good), waits
 * for its DatabaseBackup to be Ready and the Secrets it reads to exist, creates the restore's
 * ConfigMap and Job ({@link RestoreJob}), and follows the Job to its end, reading the runner's
 * outcome from the pod's termination message. A finished restore (Succeeded or Failed) is never
 * started again; a new one is a new resource. The Job is never changed once created, and the CRD
 * refuses changes to the spec.
 *
 * <p>Its DatabaseBackup and its Job are secondary resources (informers), so a backup that appears
 * or becomes Ready and a Job that changes bring a reconcile; only Secrets, which the controller may
 * not watch, are looked at again after {@link ControllerConfig#secretRecheck()}.
 */
@ControllerConfiguration(name = DatabaseRestoreReconciler.NAME)
public class DatabaseRestoreReconciler implements Reconciler<DatabaseRestore> {
  public static final String NAME = "databaserestore";

  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  public static final String CONDITION_SUCCEEDED = RestoreStatus.CONDITION_SUCCEEDED;

  public static final String REASON_BACKUP_NOT_FOUND = "BackupNotFound";
  public static final String REASON_BACKUP_NOT_READY = "BackupNotReady";
  public static final String REASON_STARTING = "JobCreated";
  public static final String REASON_RUNNING = "Running";
  public static final String REASON_RESTORED = "Restored";

  /** Restores that are not over yet, by the {@code namespace/name} of their DatabaseBackup. */
  private static final String BY_BACKUP = "restores-by-backup";

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRestoreReconciler.class);

  private final ControllerConfig config;
  private final Clock clock;
  private final NotificationService notifications;
  private final RestoreDependent<ConfigMap> configMap = RestoreDependent.configMap();
  private final RestoreDependent<Job> job;

  public DatabaseRestoreReconciler(
      ControllerConfig config, Clock clock, NotificationService notifications) {
    this.config = config;
    this.clock = clock;
    this.notifications = notifications;
    this.job = RestoreDependent.job(config.runnerImage());
  }

  @Override
  public List<EventSource<?, DatabaseRestore>> prepareEventSources(
      EventSourceContext<DatabaseRestore> context) {
    var restores = context.getPrimaryCache();
    restores.addIndexer(
        BY_BACKUP,
        r ->
            RestoreStatus.terminal(r.getStatus()) || backupOf(r).isEmpty()
                ? List.of()
                : List.of(key(backupOf(r).get())));
    List<EventSource<?, DatabaseRestore>> sources =
        new ArrayList<>(EventSourceUtils.dependentEventSources(context, configMap, job));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DatabaseBackup.class, DatabaseRestore.class)
                .withName("restore-backups")
                .withSecondaryToPrimaryMapper(
                    (DatabaseBackup b) ->
                        restores.byIndex(BY_BACKUP, key(ResourceID.fromResource(b))).stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper(
                    (DatabaseRestore r) -> backupOf(r).map(Set::of).orElse(Set.of()))
                .build(),
            context));
    return sources;
  }

  /** The DatabaseBackup a restore reads, when its spec names one. */
  private static Optional<ResourceID> backupOf(DatabaseRestore restore) {
    var spec = restore.getSpec();
    return spec == null || spec.getBackupRef() == null || spec.getBackupRef().getName() == null
        ? Optional.empty()
        : Optional.of(
            new ResourceID(spec.getBackupRef().getName(), restore.getMetadata().getNamespace()));
  }

  private static String key(ResourceID id) {
    return id.getNamespace().orElse("") + "/" + id.getName();
  }

  @Override
  public UpdateControl<DatabaseRestore> reconcile(
      DatabaseRestore restore, Context<DatabaseRestore> context) {
    if (RestoreStatus.terminal(restore.getStatus())) {
      // Seen again (e.g. after a restart): notified unless its backup's status says it was.
      notifications.restoreFinished(restore);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    BackupEvents events = new BackupEvents(context.getClient(), clock);
    RestoreStatus status = new RestoreStatus(context);
    Optional<Job> started = context.getSecondaryResource(Job.class);
    if (started.isPresent()) {
      follow(restore, started.get(), context.getClient(), status, events, now);
      return UpdateControl.noUpdate();
    }
    Optional<SpecCheck.Refusal> invalid = SpecCheck.invalid(restore);
    if (invalid.isPresent()) {
      // Final: the spec cannot change (CEL rule), so a new DatabaseRestore is the way on.
      String reason = invalid.get().reason();
      String message = invalid.get().message();
      LOG.warn(
          "restore refused restore={} message=\"{}\"", restore.getMetadata().getName(), message);
      events.warning(restore, reason, message);
      status.write(restore, State.failed(reason, message), now);
      return UpdateControl.noUpdate();
    }
    Optional<DatabaseBackup> backup = context.getSecondaryResource(DatabaseBackup.class);
    Optional<RestoreWait> wait =
        RestoreWait.of(restore, backup, context.getClient(), config.secretRecheck());
    if (wait.isPresent()) {
      return waiting(restore, wait.get(), status, events, now);
    }
    start(restore, backup.get(), context, events);
    status.write(restore, jobCreated(restore), now);
    return UpdateControl.noUpdate();
  }

  /** Creates the ConfigMap and the Job (each once: the dependents never update) and says so. */
  private void start(
      DatabaseRestore restore,
      DatabaseBackup backup,
      Context<DatabaseRestore> context,
      BackupEvents events) {
    configMap.reconcile(restore, context);
    String jobName = RestoreJob.name(restore);
    if (job.reconcile(restore, context).getSingleOperation() == Operation.CREATED) {
      String backupName = backup.getMetadata().getName();
      String backupId = restore.getSpec().getBackupId();
      LOG.info(
          "restore started restore={}/{} job={} backup={} backupId={}",
          restore.getMetadata().getNamespace(),
          restore.getMetadata().getName(),
          jobName,
          backupName,
          backupId);
      events.normal(
          restore,
          "RestoreStarted",
          "started Job " + jobName + " to restore " + backupId + " of " + backupName);
    }
  }

  private static State jobCreated(DatabaseRestore restore) {
    return State.pending(REASON_STARTING, "Job " + RestoreJob.name(restore) + " created");
  }

  /** The restore's phase from its Job, and the runner's outcome once the Job has ended. */
  private void follow(
      DatabaseRestore restore,
      Job job,
      KubernetesClient client,
      RestoreStatus status,
      BackupEvents events,
      Instant now) {
    String startTime = job.getStatus() == null ? null : job.getStatus().getStartTime();
    Consumer<DatabaseRestoreStatus> started =
        s -> {
          if (startTime != null) {
            s.setStartTime(startTime);
          }
        };
    Optional<String> ended = RestoreOutcome.jobEnded(job);
    if (ended.isEmpty()) {
      State state =
          startTime != null
              ? State.running(REASON_RUNNING, "Job " + job.getMetadata().getName() + " running")
              : jobCreated(restore);
      status.write(restore, state, now, started);
      return;
    }
    RestoreOutcome outcome = RestoreOutcome.of(job, pod(client, restore));
    State state =
        outcome.succeeded()
            ? State.succeeded(REASON_RESTORED, outcome.message())
            : State.failed(outcome.reason(), outcome.message());
    status
        .write(
            restore,
            state,
            now,
            started.andThen(
                s -> {
                  s.setCompletionTime(ended.get());
                  if (outcome.backupId() != null) {
                    s.setBackupId(outcome.backupId());
                  }
                }))
        .ifPresent(done -> finished(done, outcome, events));
  }

  /** The log line, Event and notification of a restore's end, said once. */
  private void finished(DatabaseRestore restore, RestoreOutcome outcome, BackupEvents events) {
    String name = restore.getMetadata().getName();
    if (outcome.succeeded()) {
      LOG.info("restore succeeded restore={} message=\"{}\"", name, outcome.message());
      events.normal(restore, "RestoreSucceeded", outcome.message());
    } else {
      LOG.warn(
          "restore failed restore={} reason={} message=\"{}\"",
          name,
          outcome.reason(),
          outcome.message());
      events.warning(restore, "RestoreFailed", outcome.message());
    }
    notifications.restoreFinished(restore);
  }

  /** The restore's pod, the newest if there are several (there is one: backoffLimit 0). */
  private static Optional<Pod> pod(KubernetesClient client, DatabaseRestore restore) {
    return client
        .pods()
        .inNamespace(restore.getMetadata().getNamespace())
        .withLabel(RestoreJob.RESTORE_LABEL, restore.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        // RFC 3339 timestamps sort as text.
        .max(
            Comparator.comparing(
                p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")));
  }

  /** Pending, with why; a Warning Event the first time this reason and message are seen. */
  private UpdateControl<DatabaseRestore> waiting(
      DatabaseRestore restore,
      RestoreWait wait,
      RestoreStatus status,
      BackupEvents events,
      Instant now) {
    if (!RestoreStatus.alreadySays(restore, wait.reason(), wait.message())) {
      LOG.warn(
          "restore waiting restore={} reason={} message=\"{}\"",
          restore.getMetadata().getName(),
          wait.reason(),
          wait.message());
      events.warning(restore, wait.reason(), wait.message());
    }
    status.write(restore, State.pending(wait.reason(), wait.message()), now);
    UpdateControl<DatabaseRestore> control = UpdateControl.noUpdate();
    return wait.recheck() == null ? control : control.rescheduleAfter(wait.recheck());
  }
}
