package io.dbbackup.controller;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.dbbackup.controller.dependent.RestoreJob;
import io.dbbackup.controller.notify.NotificationService;
import io.dbbackup.controller.restore.RestoreOutcome;
import io.dbbackup.controller.validation.SpecCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a DatabaseRestore (API-308) once: checks it (an invalid one fails for good), waits
 * for its DatabaseBackup to be Ready and its Secrets to exist, creates the restore's ConfigMap and
 * Job ({@link RestoreJob}), and follows the Job to its end, reading the runner's outcome from the
 * pod's termination message. A finished restore (Succeeded or Failed) is never started again; a new
 * one is a new resource. The Job is never changed once created, and the CRD refuses changes to the
 * spec.
 */
@ControllerConfiguration(name = DatabaseRestoreReconciler.NAME)
public class DatabaseRestoreReconciler implements Reconciler<DatabaseRestore> {
  public static final String NAME = "databaserestore";

  /** The condition {@code kubectl wait --for=condition=Succeeded} waits for. */
  public static final String CONDITION_SUCCEEDED = "Succeeded";

  public static final String REASON_BACKUP_NOT_FOUND = "BackupNotFound";
  public static final String REASON_BACKUP_NOT_READY = "BackupNotReady";
  public static final String REASON_STARTING = "JobCreated";
  public static final String REASON_RUNNING = "Running";
  public static final String REASON_RESTORED = "Restored";

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRestoreReconciler.class);

  private final ControllerConfig config;
  private final Clock clock;
  private final NotificationService notifications;

  public DatabaseRestoreReconciler(
      ControllerConfig config, Clock clock, NotificationService notifications) {
    this.config = config;
    this.clock = clock;
    this.notifications = notifications;
  }

  @Override
  public List<EventSource<?, DatabaseRestore>> prepareEventSources(
      EventSourceContext<DatabaseRestore> context) {
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, DatabaseRestore.class)
                .withName("restore-jobs")
                .withLabelSelector(BackupNames.MANAGED_SELECTOR + "," + RestoreJob.RESTORE_LABEL)
                .withSecondaryToPrimaryMapper(DatabaseRestoreReconciler::restoreOfJob)
                .build(),
            context));
  }

  private static Set<ResourceID> restoreOfJob(Job job) {
    var labels = job.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(RestoreJob.RESTORE_LABEL);
    return name == null ? Set.of() : Set.of(new ResourceID(name, job.getMetadata().getNamespace()));
  }

  @Override
  public UpdateControl<DatabaseRestore> reconcile(
      DatabaseRestore restore, Context<DatabaseRestore> context) {
    DatabaseRestoreStatus status = restore.getStatus();
    if (status != null && terminal(status.getPhase())) {
      // Seen again (e.g. after a restart): notified unless its backup's status says it was.
      notifications.restoreFinished(restore);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    BackupEvents events = new BackupEvents(client, clock);
    Optional<Job> job = context.getSecondaryResource(Job.class);
    if (job.isPresent()) {
      return follow(restore, job.get(), client, events, now);
    }

    Optional<SpecCheck.Refusal> invalid = SpecCheck.invalid(restore);
    if (invalid.isPresent()) {
      // Final: the spec cannot change (CEL rule), so a new DatabaseRestore is the way on.
      String reason = invalid.get().reason();
      String message = invalid.get().message();
      LOG.warn(
          "restore refused restore={} message=\"{}\"", restore.getMetadata().getName(), message);
      events.warning(restore, reason, message);
      return patch(restore, Phase.Failed, Conditions.FALSE, reason, message, now, null);
    }
    String ns = restore.getMetadata().getNamespace();
    String backupName = restore.getSpec().getBackupRef().getName();
    DatabaseBackup backup =
        client.resources(DatabaseBackup.class).inNamespace(ns).withName(backupName).get();
    if (backup == null) {
      return waiting(
          restore,
          REASON_BACKUP_NOT_FOUND,
          "DatabaseBackup " + backupName + " not found in namespace " + ns,
          events,
          now,
          config.secretRecheck());
    }
    // Ready (for its current generation) means its runner ConfigMap is in place and valid.
    Optional<String> notReady = notReady(backup);
    if (notReady.isPresent()) {
      return waiting(
          restore,
          REASON_BACKUP_NOT_READY,
          "DatabaseBackup " + backupName + " is not Ready: " + notReady.get(),
          events,
          now,
          config.secretRecheck());
    }

    Optional<SpecCheck.Refusal> missing = SpecCheck.missingSecrets(restore, backup, client);
    if (missing.isPresent()) {
      return waiting(
          restore,
          missing.get().reason(),
          missing.get().message(),
          events,
          now,
          config.secretRecheck());
    }

    createUnlessPresent(client, RestoreJob.configMap(restore));
    String jobName = RestoreJob.name(restore);
    if (createUnlessPresent(client, RestoreJob.build(restore, backup, config.runnerImage()))) {
      LOG.info(
          "restore started restore={}/{} job={} backup={} backupId={}",
          ns,
          restore.getMetadata().getName(),
          jobName,
          backupName,
          restore.getSpec().getBackupId());
      events.normal(
          restore,
          "RestoreStarted",
          "started Job "
              + jobName
              + " to restore "
              + restore.getSpec().getBackupId()
              + " of "
              + backupName);
    }
    return jobCreated(restore, jobName, now);
  }

  private static UpdateControl<DatabaseRestore> jobCreated(
      DatabaseRestore restore, String jobName, Instant now) {
    return patch(
        restore,
        Phase.Pending,
        Conditions.UNKNOWN,
        REASON_STARTING,
        "Job " + jobName + " created",
        now,
        null);
  }

  /** Why {@code backup} is not Ready for its current generation, if it is not. */
  private static Optional<String> notReady(DatabaseBackup backup) {
    var status = backup.getStatus();
    var ready =
        status == null
                || !Objects.equals(
                    status.getObservedGeneration(), backup.getMetadata().getGeneration())
            ? Optional.<Condition>empty()
            : Conditions.find(status.getConditions(), DatabaseBackupStatus.CONDITION_READY);
    if (ready.isEmpty()) {
      return Optional.of("not reconciled yet");
    }
    return Conditions.TRUE.equals(ready.get().getStatus())
        ? Optional.empty()
        : Optional.of(ready.get().getReason() + ": " + ready.get().getMessage());
  }

  /** The restore's phase from its Job, and the runner's outcome once the Job has ended. */
  private UpdateControl<DatabaseRestore> follow(
      DatabaseRestore restore, Job job, KubernetesClient client, BackupEvents events, Instant now) {
    String jobName = job.getMetadata().getName();
    DatabaseRestoreStatus s = ensureStatus(restore);
    boolean started = job.getStatus() != null && job.getStatus().getStartTime() != null;
    if (started) {
      s.setStartTime(job.getStatus().getStartTime());
    }
    Optional<String> ended = RestoreOutcome.jobEnded(job);
    if (ended.isEmpty()) {
      return started
          ? patch(
              restore,
              Phase.Running,
              Conditions.UNKNOWN,
              REASON_RUNNING,
              "Job " + jobName + " running",
              now,
              null)
          : jobCreated(restore, jobName, now);
    }
    RestoreOutcome outcome = RestoreOutcome.of(job, pod(client, restore));
    s.setCompletionTime(ended.get());
    if (outcome.backupId() != null) {
      s.setBackupId(outcome.backupId());
    }
    if (outcome.succeeded()) {
      LOG.info(
          "restore succeeded restore={} message=\"{}\"",
          restore.getMetadata().getName(),
          outcome.message());
      events.normal(restore, "RestoreSucceeded", outcome.message());
      var done =
          patch(
              restore,
              Phase.Succeeded,
              Conditions.TRUE,
              REASON_RESTORED,
              outcome.message(),
              now,
              null);
      notifications.restoreFinished(restore);
      return done;
    }
    LOG.warn(
        "restore failed restore={} reason={} message=\"{}\"",
        restore.getMetadata().getName(),
        outcome.reason(),
        outcome.message());
    events.warning(restore, "RestoreFailed", outcome.message());
    var done =
        patch(
            restore,
            Phase.Failed,
            Conditions.FALSE,
            outcome.reason(),
            outcome.message(),
            now,
            null);
    notifications.restoreFinished(restore);
    return done;
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
      String reason,
      String message,
      BackupEvents events,
      Instant now,
      Duration recheck) {
    boolean known =
        restore.getStatus() != null
            && Conditions.find(restore.getStatus().getConditions(), CONDITION_SUCCEEDED)
                .filter(c -> reason.equals(c.getReason()) && message.equals(c.getMessage()))
                .isPresent();
    if (!known) {
      LOG.warn(
          "restore waiting restore={} reason={} message=\"{}\"",
          restore.getMetadata().getName(),
          reason,
          message);
      events.warning(restore, reason, message);
    }
    return patch(restore, Phase.Pending, Conditions.UNKNOWN, reason, message, now, recheck);
  }

  private static UpdateControl<DatabaseRestore> patch(
      DatabaseRestore restore,
      Phase phase,
      String conditionStatus,
      String reason,
      String message,
      Instant now,
      Duration recheck) {
    DatabaseRestoreStatus s = ensureStatus(restore);
    s.setPhase(phase);
    s.setMessage(message);
    Conditions.set(
        s.getConditions(),
        CONDITION_SUCCEEDED,
        conditionStatus,
        reason,
        message,
        restore.getMetadata().getGeneration(),
        now);
    UpdateControl<DatabaseRestore> control = UpdateControl.patchStatus(restore);
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  private static DatabaseRestoreStatus ensureStatus(DatabaseRestore restore) {
    if (restore.getStatus() == null) {
      restore.setStatus(new DatabaseRestoreStatus());
    }
    if (restore.getStatus().getConditions() == null) {
      restore.getStatus().setConditions(new ArrayList<>());
    }
    return restore.getStatus();
  }

  private static boolean terminal(Phase phase) {
    return phase == Phase.Succeeded || phase == Phase.Failed;
  }

  /**
   * Creates {@code resource} unless it exists (a reconcile retried after creating it): false then.
   * Never a GET: the controller may create Jobs and ConfigMaps but reads them only from informers.
   */
  private static boolean createUnlessPresent(KubernetesClient client, HasMetadata resource) {
    try {
      client.resource(resource).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return false;
    }
  }
}
