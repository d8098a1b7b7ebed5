package io.dbbackup.controller;

import io.dbbackup.controller.http.HttpEndpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the controller against the cluster the environment points at: in a pod its service
 * account, elsewhere the current kubeconfig context (for development).
 */
public final class ControllerMain {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerMain.class);

  private ControllerMain() {}

  public static void main(String[] args) throws Exception {
    ControllerConfig config;
    try {
      config = ControllerConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid settings: {}", e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    BackupOperator operator = new BackupOperator(client, config, Clock.systemUTC());
    HttpEndpoints http =
        new HttpEndpoints(
            config.httpPort(), operator.registry(), operator::healthy, operator::ready);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  operator.close();
                  http.close();
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    LOG.info(
        "starting master={} namespaces={} leaderElection={} runnerImage={} httpPort={}"
            + " defaultNotificationChannels={}",
        client.getMasterUrl(),
        config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
        config.leaderElection(),
        config.runnerImage(),
        http.port(),
        config.notifications().defaultChannels().stream().map(c -> c.getName()).toList());
    operator.start();
    stopped.await();
  }
}
