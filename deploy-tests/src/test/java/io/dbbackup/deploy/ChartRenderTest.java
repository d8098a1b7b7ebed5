package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.controller.ControllerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What the chart renders with its defaults and with every switch turned. */
class ChartRenderTest {
  static final String NS = Chart.NAMESPACE;
  static final String FULL = Chart.FULLNAME;

  @Test
  void defaultsRenderTheControllerWithClusterWideRightsAndNothingOptional() {
    var rendered = Chart.render();
    assertThat(rendered.ids())
        .containsExactlyInAnyOrder(
            "ServiceAccount " + NS + "/" + FULL,
            "ClusterRole " + FULL,
            "ClusterRoleBinding " + FULL,
            "Service " + NS + "/" + FULL,
            "Deployment " + NS + "/" + FULL);
    JsonNode deployment = rendered.one("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("dbbackup/backup-controller:0.1.0");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(FULL);

    ControllerConfig config = controllerConfig(deployment);
    assertThat(config.runnerImage()).isEqualTo("dbbackup/backup-runner:0.1.0");
    assertThat(config.watchNamespaces()).isEmpty();
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.httpPort()).isEqualTo(8080);

    JsonNode service = rendered.one("Service");
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http-metrics");
    assertThat(container.at("/ports/0/name").asText()).isEqualTo("http-metrics");
    assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
  }

  @Test
  void nonDefaultValuesReachTheControllerAndAddRolesLeaseAndMonitoring() {
    String digest = "sha256:" + "a".repeat(64);
    var rendered =
        Chart.render(
            Chart.values(
                "replicaCount", 2,
                "watch.namespaces[0]", "shop",
                "watch.namespaces[1]", "billing",
                "image.controller.repository", "registry.example/dbb/controller",
                "image.controller.tag", "1.2.3",
                "image.runner.repository", "registry.example/dbb/runner",
                "image.runner.digest", digest,
                "metrics.port", 9090,
                "logLevel", "DEBUG",
                "metrics.serviceMonitor.enabled", true,
                "metrics.prometheusRule.enabled", true,
                "resources.limits.memory", "1Gi"));
    assertThat(rendered.ids())
        .containsExactlyInAnyOrder(
            "ServiceAccount " + NS + "/" + FULL,
            "Role shop/" + FULL,
            "RoleBinding shop/" + FULL,
            "Role billing/" + FULL,
            "RoleBinding billing/" + FULL,
            "Role " + NS + "/" + FULL + "-leader-election",
            "RoleBinding " + NS + "/" + FULL + "-leader-election",
            "Service " + NS + "/" + FULL,
            "Deployment " + NS + "/" + FULL,
            "PrometheusRule " + NS + "/" + FULL,
            "ServiceMonitor " + NS + "/" + FULL);
    JsonNode deployment = rendered.one("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("registry.example/dbb/controller:1.2.3");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9090);
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1Gi");

    ControllerConfig config = controllerConfig(deployment);
    assertThat(config.runnerImage()).isEqualTo("registry.example/dbb/runner@" + digest);
    assertThat(config.watchNamespaces()).isEqualTo(Set.of("shop", "billing"));
    // Two replicas switch leader election on even though leaderElection.enabled is false.
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseName()).isEqualTo("dbbackup-operator-leader");
    assertThat(config.leaseNamespace()).isEqualTo(NS);
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(env(deployment)).containsEntry("DBBACKUP_LOG_LEVEL", "DEBUG");

    JsonNode monitor = rendered.one("ServiceMonitor");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http-metrics");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(monitor.at("/spec/selector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));
    assertThat(
            StreamSupport.stream(
                    rendered.one("PrometheusRule").at("/spec/groups/0/rules").spliterator(), false)
                .map(r -> r.path("alert").asText())
                .toList())
        .containsExactly(
            "DatabaseBackupFailed",
            "DatabaseBackupTooOld",
            "DatabaseBackupSizeChanged",
            "DatabaseBackupNearTimeout",
            "DatabaseBackupSuccessRatioLow",
            "DatabaseBackupNotificationsFailing");
    JsonNode test = Chart.renderWithTestHooks(Chart.values("metrics.port", 9090)).one("Pod");
    assertThat(test.at("/spec/containers/0/command").toString())
        .contains("http://" + FULL + "." + NS + ".svc:9090/readyz");
  }

  @Test
  void leaderElectionCanBeAskedForWithOneReplica() {
    var rendered = Chart.render(Chart.values("leaderElection.enabled", true));
    assertThat(controllerConfig(rendered.one("Deployment")).leaderElection()).isTrue();
    assertThat(rendered.ids()).contains("Role " + NS + "/" + FULL + "-leader-election");
  }

  @Test
  void zeroReplicasPauseTheOperatorButKeepItsRights() {
    var rendered = Chart.render(Chart.values("replicaCount", 0));
    assertThat(rendered.one("Deployment").at("/spec/replicas").asInt()).isZero();
    assertThat(rendered.ids()).contains("ClusterRole " + FULL);
  }

  @Test
  void withoutRbacAndWithAnExistingServiceAccountTheChartCreatesNeither() {
    var rendered =
        Chart.render(
            Chart.values(
                "rbac.create",
                false,
                "serviceAccount.create",
                false,
                "serviceAccount.name",
                "ops"));
    assertThat(rendered.ids())
        .containsExactlyInAnyOrder("Service " + NS + "/" + FULL, "Deployment " + NS + "/" + FULL);
    assertThat(rendered.one("Deployment").at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo("ops");
  }

  @Test
  void notesTellTheNextCommandsForTheWatchedNamespace() {
    String notes =
        Chart.helm()
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(NS)
            .withKubeVersion(Chart.KUBE_VERSION)
            .set("watch.namespaces[0]", "billing")
            .dryRun()
            .clientOnly()
            .call()
            .getOutput();
    assertThat(notes)
        .contains(
            "It watches the namespace(s) billing; backups run the image dbbackup/backup-runner:0.1.0.")
        .contains("     kubectl -n " + NS + " rollout status deployment/" + FULL + "\n")
        .contains("     helm test " + Chart.RELEASE + " -n " + NS + "\n")
        .contains("\nkubectl -n billing create secret generic pg-backup")
        .contains("\nmetadata: {name: orders-db, namespace: billing}\n")
        .contains("\nYAML\n")
        .contains("     kubectl -n billing get databasebackups\n")
        .contains(
            "     kubectl -n billing annotate databasebackup/orders-db"
                + " dbbackup.io/run-now=\"$(date +%s)\" --overwrite\n")
        .contains(
            "     kubectl -n billing wait --for=condition=LastBackupSucceeded"
                + " databasebackup/orders-db --timeout=30m\n");
  }

  /** The Deployment's literal env, with the downward-API fields a pod would get. */
  static Map<String, String> env(JsonNode deployment) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      } else {
        String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
        env.put(
            e.path("name").asText(),
            switch (field) {
              case "metadata.namespace" -> NS;
              case "metadata.name" -> FULL + "-abc12-xyz34";
              default -> throw new AssertionError("unexpected fieldRef " + field);
            });
      }
    }
    return env;
  }

  /** What the controller makes of that environment: its own parser, not a copy of it. */
  static ControllerConfig controllerConfig(JsonNode deployment) {
    return ControllerConfig.fromEnvironment(env(deployment));
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
