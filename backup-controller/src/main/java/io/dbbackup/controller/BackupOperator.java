package io.dbbackup.controller;

import io.dbbackup.controller.metrics.BackupMetrics;
import io.dbbackup.controller.metrics.NotificationCounter;
import io.dbbackup.controller.metrics.RunCounter;
import io.dbbackup.controller.notify.NotificationService;
import io.dbbackup.notify.DefaultNotifier;
import io.dbbackup.notify.Notifier;
import io.dbbackup.notify.NotifierSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as production and tests run it: server-side apply off for the primary resource and
 * the children (the same configuration in both), optional leader election, and the metrics.
 */
public final class BackupOperator implements AutoCloseable {
  private final Operator operator;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RunCounter runs = new RunCounter();

  private static final Logger LOG = LoggerFactory.getLogger(BackupOperator.class);
  private final String identity;
  private final Notifier notifier;
  private volatile boolean stopping;

  private final NotificationService notifications;

  /** With the standard notifier: e-mail, Slack, PagerDuty and webhook senders. */
  public BackupOperator(KubernetesClient client, ControllerConfig config, Clock clock) {
    this(client, config, clock, new DefaultNotifier(NotifierSettings.defaults()));
  }

  /**
   * @param notifier delivers notifications; closed with the operator
   */
  public BackupOperator(
      KubernetesClient client, ControllerConfig config, Clock clock, Notifier notifier) {
    identity = newIdentity();
    NotificationCounter notificationCounter = new NotificationCounter();
    BackupMetrics metrics = new BackupMetrics(runs, clock, notificationCounter);
    registry.register(metrics);
    this.notifier = notifier;
    notifications =
        new NotificationService(
            client, notifier, config.notifications(), clock, notificationCounter);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaseName(),
                        config.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        identity,
                        new LeaderCallbacks(() -> {}, this::leadershipEnded, leader -> {}),
                        false));
              }
            });
    operator.register(
        new DatabaseBackupReconciler(config, clock, runs, metrics, notifications),
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces());
          }
        });
    operator.register(
        new DatabaseRestoreReconciler(config, clock, notifications),
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces());
          }
        });
  }

  /** This replica's name in the Lease. */
  public String identity() {
    return identity;
  }

  /** The pod (or host) name and a random suffix, unique even for two replicas on one host. */
  private static String newIdentity() {
    String name = System.getenv().getOrDefault("POD_NAME", System.getenv("HOSTNAME"));
    return (name == null ? "dbbackup-operator" : name)
        + "-"
        + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /** Starts the informers and, once leader (or at once without leader election), reconciling. */
  public void start() {
    operator.start();
    notifications.start();
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

  /**
   * Losing the Lease while running means another replica may already reconcile: exit at once and
   * let Kubernetes restart this one as a follower. A deliberate stop is not a loss.
   */
  private void leadershipEnded() {
    if (!stopping) {
      LOG.error(
          "lost the leader Lease identity={}; exiting so that only one replica acts", identity);
      Thread.ofPlatform().start(() -> System.exit(1));
    }
  }

  @Override
  public void close() {
    stopping = true;
    operator.stop();
    notifications.close();
    notifier.close();
  }
}
