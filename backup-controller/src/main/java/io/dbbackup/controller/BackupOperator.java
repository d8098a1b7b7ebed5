package io.dbbackup.controller;

import io.dbbackup.controller.metrics.BackupMetrics;
import io.dbbackup.controller.metrics.RunCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;

/**
 * The operator as production and tests run it: server-side apply off for the primary resource and
 * the children (the same configuration in both), optional leader election, and the metrics.
 */
public final class BackupOperator implements AutoCloseable {
  private final Operator operator;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RunCounter runs = new RunCounter();

  public BackupOperator(KubernetesClient client, ControllerConfig config, Clock clock) {
    BackupMetrics metrics = new BackupMetrics(runs, clock);
    registry.register(metrics);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    config.leaseNamespace() == null
                        ? new LeaderElectionConfiguration(config.leaseName())
                        : new LeaderElectionConfiguration(
                            config.leaseName(), config.leaseNamespace()));
              }
            });
    operator.register(
        new DatabaseBackupReconciler(config, clock, runs, metrics),
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces());
          }
        });
  }

  /** Starts the informers and, once leader (or at once without leader election), reconciling. */
  public void start() {
    operator.start();
  }

  public Operator operator() {
    return operator;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Live: the operator has not lost an informer it needs. */
  public boolean healthy() {
    return !operator.getRuntimeInfo().isStarted()
        || operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** Ready: started and every informer healthy. */
  public boolean ready() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
