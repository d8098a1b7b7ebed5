package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupStatus;
import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real Kubernetes (k3s in Docker): the generated CRDs installed (the API server
 * enforces their schema and CEL rules), the controller running against it, a PostgreSQL in the
 * cluster, and with a runner image given, a real backup Job that reports its own status.
 *
 * <p>Skipped, with a message saying so, where Docker is unavailable. Run it where Docker exists:
 * {@code scripts/mvn -pl backup-controller -am verify -Dit.test=K3sEndToEndIT
 * -Ddbbackup.e2e.runnerImage=<an image k3s can pull>}.
 */
@EnabledIf(
    value = "dockerAvailable",
    disabledReason =
        "Docker is not available on this machine: the k3s end-to-end suite is skipped (it runs"
            + " where a Docker engine is reachable)")
class K3sEndToEndIT {
  static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
  static final String NS = "shop";
  static K3sContainer k3s;
  static KubernetesClient client;
  static BackupOperator operator;

  @BeforeAll
  static void startK3s() throws Exception {
    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
    for (String crd :
        List.of("databasebackups.dbbackup.io-v1.yml", "databaserestores.dbbackup.io-v1.yml")) {
      try (InputStream in = Files.newInputStream(MockCluster.CRDS.resolve(crd))) {
        client.apiextensions().v1().customResourceDefinitions().load(in).serverSideApply();
      }
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("databasebackups.dbbackup.io")
        .waitUntilCondition(
            c ->
                c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> x.getType().equals("Established") && x.getStatus().equals("True")),
            60,
            TimeUnit.SECONDS);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    deployPostgres();
    operator = new BackupOperator(client, TestConfig.config().withHttpPort(0), Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  static void stopK3s() {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static void deployPostgres() {
    Map<String, String> labels = Map.of("app", "pg");
    secret("pg-backup", Map.of("password", "e2e-password"));
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("pg")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("postgres")
                .withImage("postgres:16-alpine")
                .addNewEnv()
                .withName("POSTGRES_USER")
                .withValue("backup")
                .endEnv()
                .addNewEnv()
                .withName("POSTGRES_PASSWORD")
                .withNewValueFrom()
                .withNewSecretKeyRef("password", "pg-backup", false)
                .endValueFrom()
                .endEnv()
                .addNewPort()
                .withContainerPort(5432)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("pg")
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withPort(5432)
                .withTargetPort(new IntOrString(5432))
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("backups")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    client.apps().deployments().inNamespace(NS).withName("pg").waitUntilReady(3, TimeUnit.MINUTES);
  }

  static void secret(String name, Map<String, String> data) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  static DatabaseBackup e2eBackup(String name) {
    DatabaseBackup b = Fixtures.volumeBackup(NS, name);
    b.getSpec().getDatabase().setHost("pg." + NS + ".svc");
    b.getSpec().getDatabase().setSslMode(io.dbbackup.api.v1alpha1.SslMode.DISABLE);
    b.getSpec().getHistory().setEnabled(false);
    return b;
  }

  @Test
  void theApiServerEnforcesTheCrdsCelRules() {
    DatabaseBackup both = e2eBackup("both-storages");
    S3StorageSpec s3 = new S3StorageSpec();
    s3.setBucket("shop-backups");
    both.getSpec().getStorage().setS3(s3);
    assertThatThrownBy(() -> client.resource(both).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("storage: set exactly one of volume or s3");
  }

  @Test
  void controllerCreatesChildrenThatARealApiServerAcceptsAndLeavesThemAlone() throws Exception {
    client.resource(e2eBackup("orders-db")).create();
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              DatabaseBackup b =
                  client
                      .resources(DatabaseBackup.class)
                      .inNamespace(NS)
                      .withName("orders-db")
                      .get();
              assertThat(
                      Conditions.isTrue(
                          b.getStatus().getConditions(), DatabaseBackupStatus.CONDITION_READY))
                  .isTrue();
            });
    var cronJob = client.batch().v1().cronjobs().inNamespace(NS).withName("orders-db-backup").get();
    assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Asia/Tokyo");
    // The API server defaults fields the controller does not set; the hash match must not fight it.
    String version = cronJob.getMetadata().getResourceVersion();
    Thread.sleep(5000);
    assertThat(
            client
                .batch()
                .v1()
                .cronjobs()
                .inNamespace(NS)
                .withName("orders-db-backup")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(version);
  }

  @Test
  void onDemandRunBacksUpThePostgresInTheClusterAndReportsSuccess() {
    String image = System.getProperty("dbbackup.e2e.runnerImage", "");
    assumeTrue(
        !image.isBlank(),
        "no runner image: set -Ddbbackup.e2e.runnerImage=<image k3s can pull> to run a real backup Job");
    DatabaseBackup b = e2eBackup("real-db");
    b.getSpec().setRunner(new io.dbbackup.api.v1alpha1.RunnerSpec());
    b.getSpec().getRunner().setImage(image);
    b.getMetadata().setAnnotations(Map.of(BackupNames.RUN_NOW_ANNOTATION, "e2e"));
    client.resource(b).create();
    // What `kubectl wait --for=condition=LastBackupSucceeded databasebackup/real-db` waits for.
    Awaitility.await()
        .atMost(Duration.ofMinutes(5))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              DatabaseBackup now =
                  client.resources(DatabaseBackup.class).inNamespace(NS).withName("real-db").get();
              assertThat(
                      Conditions.isTrue(
                          now.getStatus().getConditions(),
                          DatabaseBackupStatus.CONDITION_LAST_BACKUP_SUCCEEDED))
                  .isTrue();
              assertThat(now.getStatus().getLastSuccessfulBackup()).isNotNull();
            });
  }
}
