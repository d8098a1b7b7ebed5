package io.dbbackup.controller;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.dependent.BackupCronJobDependent;
import io.dbbackup.controller.dependent.HashedDependent;
import io.dbbackup.controller.dependent.RunnerConfigMapDependent;
import io.dbbackup.controller.dependent.RunnerRoleBindingDependent;
import io.dbbackup.controller.dependent.RunnerRoleDependent;
import io.dbbackup.controller.dependent.RunnerServiceAccountDependent;
import io.dbbackup.controller.jobs.OnDemandRun;
import io.dbbackup.controller.jobs.UnreportedJobFailures;
import io.dbbackup.controller.metrics.BackupMetrics;
import io.dbbackup.controller.metrics.RunCounter;
import io.dbbackup.controller.notify.NotificationService;
import io.dbbackup.controller.status.ControllerStatus;
import io.dbbackup.controller.status.ScheduleTimes;
import io.dbbackup.controller.validation.SpecCheck;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a DatabaseBackup: checks the spec, then creates or updates the runner's
 * ServiceAccount, Role, RoleBinding, ConfigMap and CronJob, starts on-demand runs, records Jobs
 * that died without a report, and writes the controller's part of the status. An invalid spec stops
 * before any child is touched, so the last valid CronJob stays and nothing is deleted.
 *
 * <p>Not generation-aware: annotation changes (run-now) and the runner's status writes trigger a
 * reconcile too, which keeps metrics and run counts current.
 */
@ControllerConfiguration(
    name = DatabaseBackupReconciler.NAME,
    generationAwareEventProcessing = false)
public class DatabaseBackupReconciler implements Reconciler<DatabaseBackup> {
  public static final String NAME = "databasebackup";
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBackupReconciler.class);
  private static final Duration MAX_RESCHEDULE = Duration.ofHours(6);

  private final ControllerConfig config;
  private final Clock clock;
  private final RunCounter runs;
  private final BackupMetrics metrics;
  private final List<HashedDependent<?>> dependents;
  private final NotificationService notifications;

  public DatabaseBackupReconciler(
      ControllerConfig config,
      Clock clock,
      RunCounter runs,
      BackupMetrics metrics,
      NotificationService notifications) {
    this.notifications = notifications;
    this.config = config;
    this.clock = clock;
    this.runs = runs;
    this.metrics = metrics;
    // Order matters only for readability: identity and rights first, then config, then the CronJob.
    this.dependents =
        List.of(
            new RunnerServiceAccountDependent(),
            new RunnerRoleDependent(),
            new RunnerRoleBindingDependent(),
            new RunnerConfigMapDependent(),
            new BackupCronJobDependent(config.runnerImage()));
  }

  @Override
  public List<EventSource<?, DatabaseBackup>> prepareEventSources(
      EventSourceContext<DatabaseBackup> context) {
    metrics.readFrom(() -> context.getPrimaryCache().list().toList());
    notifications.readFrom(() -> context.getPrimaryCache().list().toList());
    List<EventSource<?, DatabaseBackup>> sources =
        new ArrayList<>(
            EventSourceUtils.dependentEventSources(
                context, dependents.toArray(HashedDependent<?>[]::new)));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, DatabaseBackup.class)
                .withName("backup-jobs")
                .withLabelSelector(BackupNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(DatabaseBackupReconciler::backupOfJob)
                .build(),
            context));
    return sources;
  }

  @Override
  public UpdateControl<DatabaseBackup> reconcile(
      DatabaseBackup backup, Context<DatabaseBackup> context) {
    Instant now = clock.instant();
    runs.observe(backup);
    // Derived and sent on the notification threads; also for a refused spec (the runs go on).
    notifications.changed(backup);
    var client = context.getClient();
    var events = new BackupEvents(client, clock);
    var patcher = new StatusPatcher(client);
    var status = new ControllerStatus(patcher);

    Optional<SpecCheck.Refusal> refusal = SpecCheck.check(backup, client);
    if (refusal.isPresent()) {
      String reason = refusal.get().reason();
      String message = refusal.get().message();
      boolean known = ControllerStatus.readyAlreadySays(backup, Conditions.FALSE, reason, message);
      status.notReady(backup, reason, message, now);
      if (!known) {
        LOG.warn("refusing spec reason={} message=\"{}\"", reason, message);
        events.warning(backup, reason, message);
      }
      var control = UpdateControl.<DatabaseBackup>noUpdate();
      return SpecCheck.REASON_SECRET_NOT_FOUND.equals(reason)
          ? control.rescheduleAfter(config.secretRecheck())
          : control;
    }

    for (HashedDependent<?> dependent : dependents) {
      dependent.reconcile(backup, context);
    }
    Optional<CronJob> cronJob = context.getSecondaryResource(CronJob.class);
    new OnDemandRun(client)
        .handle(backup, cronJob)
        .ifPresent(
            started -> {
              LOG.info(
                  "on-demand run job={} value={} created={}",
                  started.jobName(),
                  started.value(),
                  started.created());
              if (started.created()) {
                events.normal(
                    backup,
                    "OnDemandRunStarted",
                    "started Job "
                        + started.jobName()
                        + " for "
                        + BackupNames.RUN_NOW_ANNOTATION
                        + "="
                        + started.value());
              }
            });
    recordUnreportedFailures(
        backup, context.getSecondaryResources(Job.class), patcher, events, now);
    status.ready(backup, cronJob, now);
    return reschedule(backup, now);
  }

  @Override
  public ErrorStatusUpdateControl<DatabaseBackup> updateErrorStatus(
      DatabaseBackup backup, Context<DatabaseBackup> context, Exception e) {
    LOG.error("reconcile failed: {}", e.toString());
    try {
      new ControllerStatus(new StatusPatcher(context.getClient()))
          .notReady(
              backup,
              ControllerStatus.REASON_RECONCILE_ERROR,
              String.valueOf(e.getMessage()),
              clock.instant());
    } catch (RuntimeException statusError) {
      LOG.warn("could not write the error status: {}", statusError.toString());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** Writes a Failed run for each Job that died without the runner reporting it. */
  private void recordUnreportedFailures(
      DatabaseBackup backup,
      Set<Job> jobs,
      StatusPatcher patcher,
      BackupEvents events,
      Instant now) {
    List<BackupRecord> seen = UnreportedJobFailures.find(backup.getStatus(), jobs);
    if (seen.isEmpty()) {
      return;
    }
    // Decided again on the freshly read status inside the patcher: the runner may just have
    // reported, and its record must win over this generic one.
    patcher.patch(
        backup.getMetadata().getNamespace(),
        backup.getMetadata().getName(),
        StatusPart.RUNNER,
        s -> UnreportedJobFailures.find(s, jobs).forEach(r -> RunnerStatus.record(s, r, now)));
    for (BackupRecord r : seen) {
      LOG.warn("backup job failed without a report job={} id={}", r.getJobName(), r.getId());
      events.warning(backup, "BackupJobFailed", r.getMessage());
    }
  }

  private UpdateControl<DatabaseBackup> reschedule(DatabaseBackup backup, Instant now) {
    Optional<Instant> next = ScheduleTimes.next(backup.getSpec(), now);
    if (next.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    Duration wait = Duration.between(now, next.get()).plusSeconds(1);
    return UpdateControl.<DatabaseBackup>noUpdate()
        .rescheduleAfter(wait.compareTo(MAX_RESCHEDULE) > 0 ? MAX_RESCHEDULE : wait);
  }

  private static Set<ResourceID> backupOfJob(Job job) {
    var labels = job.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(BackupNames.BACKUP_LABEL);
    return name == null ? Set.of() : Set.of(new ResourceID(name, job.getMetadata().getNamespace()));
  }
}
