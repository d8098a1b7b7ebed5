package io.dbbackup.runner.status;

import io.dbbackup.api.status.RunnerStatus;
import io.dbbackup.api.status.StatusPart;
import io.dbbackup.api.status.StatusPatcher;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.runner.history.HistoryHealth;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.run.RunListener;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --report-status}: writes each run record into the resource's status — the runner's part
 * only (lastBackup, recentBackups, lastSuccessfulBackup, LastBackupSucceeded, auditChainHead,
 * HistoryHealthy), re-reading and retrying on conflict — and, for a finished run, an Event on the
 * resource. A status that cannot be written is logged; it never fails the backup.
 */
public final class KubernetesStatusReporter implements RunListener {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesStatusReporter.class);

  private final StatusPatcher patcher;
  private final String namespace;
  private final String name;
  private final String jobName;
  private final Clock clock;
  private final KubernetesClient client;
  private final String pod = System.getenv("DBBACKUP_POD_NAME");
  private final Path volume;
  private HistoryHealth health;

  public KubernetesStatusReporter(
      KubernetesClient client, String namespace, String name, String jobName, Clock clock) {
    this(client, namespace, name, jobName, clock, null);
  }

  /**
   * @param volume volume storage's path: a finished run's record then carries how full the volume
   *     is ({@code volumeUsedPercent}); null for S3
   */
  public KubernetesStatusReporter(
      KubernetesClient client,
      String namespace,
      String name,
      String jobName,
      Clock clock,
      Path volume) {
    this.volume = volume;
    this.client = client;
    this.patcher = new StatusPatcher(client);
    this.namespace = namespace;
    this.name = name;
    this.jobName = jobName;
    this.clock = clock;
  }

  @Override
  public void historyHealth(HistoryHealth h) {
    this.health = h;
  }

  @Override
  public void recorded(RunRecord record) {
    HistoryHealth h = health;
    var status = StatusRecords.of(record, jobName);
    if (volume != null && status.getPhase() != null && status.getPhase().isTerminal()) {
      VolumeUsage.percent(volume).ifPresent(status::setVolumeUsedPercent);
    }
    try {
      DatabaseBackup resource =
          patcher.patch(
              namespace,
              name,
              StatusPart.RUNNER,
              s -> {
                RunnerStatus.record(s, status, clock.instant());
                if (h != null) {
                  RunnerStatus.recordHistory(
                      s,
                      h.auditChainHead(),
                      h.warnings().stream().map(w -> Map.entry(w.reason(), w.message())).toList(),
                      clock.instant());
                }
              });
      LOG.atInfo()
          .addKeyValue("event", "status_reported")
          .addKeyValue("status_phase", status.getPhase())
          .log("status written to the DatabaseBackup");
      Event event = RunEvents.of(resource, status, pod, clock.instant());
      if (event != null) {
        RunEvents.create(client, event);
      }
    } catch (KubernetesClientException e) {
      LOG.atWarn()
          .addKeyValue("event", "status_not_reported")
          .addKeyValue("http_status", e.getCode())
          .addKeyValue("error", e.getMessage())
          .log(
              "could not write the DatabaseBackup's status or Event; the controller reports from"
                  + " the Job");
    }
  }
}
