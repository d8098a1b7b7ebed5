package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
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
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
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
import org.testcontainers.utility.MountableFile;

/**
 * End to end on a real Kubernetes (k3s in Docker), installed the way users install it: the Helm
 * chart {@code charts/dbbackup-operator} (CRDs, ServiceAccount, RBAC, Deployment) through Helm's
 * own engine (helm-java). The API server enforces the CRDs' schema and CEL rules; a PostgreSQL runs
 * in the cluster; with a runner image given, a real backup Job reports its own status.
 *
 * <p>Two ways to run the controller:
 *
 * <ul>
 *   <li>default: the chart is installed with {@code replicaCount=0} and the controller runs in this
 *       JVM <em>as the chart's ServiceAccount</em> (a token from the TokenRequest API), so every
 *       test also proves the chart's RBAC is enough, and a denied call proves it is not more;
 *   <li>{@code -Ddbbackup.e2e.controllerImage=<image>}: the chart's Deployment runs that image
 *       (loaded into k3s from the local Docker when it is there), and {@code helm test} passes.
 * </ul>
 *
 * <p>Skipped, with a message saying so, where Docker is unavailable. Run it where Docker exists:
 * {@code make e2e}, or with the images of {@code make image}: {@code make e2e
 * E2E_FLAGS='-Ddbbackup.e2e.controllerImage=dbbackup/backup-controller:0.1.0
 * -Ddbbackup.e2e.runnerImage=dbbackup/backup-runner:0.1.0'}.
 */
@EnabledIf(
    value = "dockerAvailable",
    disabledReason =
        "Docker is not available on this machine: the k3s end-to-end suite is skipped (it runs"
            + " where a Docker engine is reachable)")
class K3sEndToEndIT {
  static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
  static final Path CHART = Path.of("../charts/dbbackup-operator");
  static final String RELEASE = "dbb";
  static final String SYSTEM_NS = "dbbackup-system";
  static final String NS = "shop";
  static final String CONTROLLER_IMAGE = System.getProperty("dbbackup.e2e.controllerImage", "");
  static final String RUNNER_IMAGE = System.getProperty("dbbackup.e2e.runnerImage", "");
  static K3sContainer k3s;
  static KubernetesClient client;
  static KubernetesClient controllerClient;
  static BackupOperator operator;

  @BeforeAll
  static void startK3s() throws Exception {
    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
    loadIntoK3s(CONTROLLER_IMAGE);
    loadIntoK3s(RUNNER_IMAGE);
    installChart();
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
    controllerClient = clientAs(SYSTEM_NS, RELEASE + "-dbbackup-operator");
    if (CONTROLLER_IMAGE.isBlank()) {
      operator =
          new BackupOperator(
              controllerClient, TestConfig.config().withHttpPort(0), Clock.systemUTC());
      operator.start();
    }
  }

  /**
   * {@code helm install dbb charts/dbbackup-operator -n dbbackup-system --create-namespace}, with
   * the controller Deployment at zero replicas unless a controller image is given.
   */
  static void installChart() {
    var install =
        new Helm(CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(SYSTEM_NS)
            .createNamespace()
            .withKubeConfigContents(k3s.getKubeConfigYaml());
    if (CONTROLLER_IMAGE.isBlank()) {
      install.set("replicaCount", 0);
    } else {
      ImageRef controller = ImageRef.parse(CONTROLLER_IMAGE);
      install
          .set("image.controller.repository", controller.repository())
          .set("image.controller.tag", controller.tag())
          .waitReady()
          .withTimeout(300);
    }
    if (!RUNNER_IMAGE.isBlank()) {
      ImageRef runner = ImageRef.parse(RUNNER_IMAGE);
      install
          .set("image.runner.repository", runner.repository())
          .set("image.runner.tag", runner.tag());
    }
    assertThat(install.call().getStatus()).isEqualTo("deployed");
  }

  /** repository and tag of an image reference (no digest). */
  record ImageRef(String repository, String tag) {
    static ImageRef parse(String image) {
      int colon = image.lastIndexOf(':');
      if (colon < 0 || image.indexOf('/', colon) >= 0) {
        return new ImageRef(image, "latest");
      }
      return new ImageRef(image.substring(0, colon), image.substring(colon + 1));
    }
  }

  /** A client authenticated as a ServiceAccount, with a short-lived token from TokenRequest. */
  static KubernetesClient clientAs(String namespace, String serviceAccount) {
    String token =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = Config.fromKubeconfig(k3s.getKubeConfigYaml());
    Config asServiceAccount =
        new ConfigBuilder(admin)
            .withClientCertData(null)
            .withClientKeyData(null)
            .withClientCertFile(null)
            .withClientKeyFile(null)
            .withUsername(null)
            .withPassword(null)
            .withOauthToken(token)
            .build();
    return new KubernetesClientBuilder().withConfig(asServiceAccount).build();
  }

  /**
   * Copies an image from the local Docker engine into k3s' containerd, so that {@code make image}
   * output can be used without a registry. An image Docker does not have is left for k3s to pull.
   */
  static void loadIntoK3s(String image) throws Exception {
    if (image.isBlank()) {
      return;
    }
    var docker = DockerClientFactory.instance().client();
    try {
      docker.inspectImageCmd(image).exec();
    } catch (RuntimeException notLocal) {
      return;
    }
    Path tar = Files.createTempFile("e2e-image-", ".tar");
    try (InputStream in = docker.saveImageCmd(image).exec()) {
      Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
    }
    k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/image.tar");
    var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/image.tar");
    assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
    Files.delete(tar);
  }

  @AfterAll
  static void stopK3s() {
    if (operator != null) {
      operator.close();
    }
    if (controllerClient != null) {
      controllerClient.close();
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
  void theChartsServiceAccountMayReadASecretByNameButNotListSecrets() {
    assertThat(controllerClient.secrets().inNamespace(NS).withName("pg-backup").get()).isNotNull();
    assertThatThrownBy(() -> controllerClient.secrets().inNamespace(NS).list())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    assertThatThrownBy(() -> controllerClient.apps().deployments().inNamespace(NS).list())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  @Test
  void helmTestPassesAgainstTheControllerTheChartDeployed() {
    assumeTrue(
        !CONTROLLER_IMAGE.isBlank(),
        "no controller image: set -Ddbbackup.e2e.controllerImage=<image> to run the chart's"
            + " Deployment and its helm test");
    var tested =
        Helm.test(RELEASE)
            .withNamespace(SYSTEM_NS)
            .withKubeConfigContents(k3s.getKubeConfigYaml())
            .withTimeout(180)
            .call();
    assertThat(tested.getStatus()).isEqualTo("deployed");
  }

  @Test
  void onDemandRunBacksUpThePostgresInTheClusterAndReportsSuccess() {
    assumeTrue(
        !RUNNER_IMAGE.isBlank(),
        "no runner image: set -Ddbbackup.e2e.runnerImage=<image k3s can pull> to run a real backup Job");
    DatabaseBackup b = e2eBackup("real-db");
    b.getSpec().setRunner(new io.dbbackup.api.v1alpha1.RunnerSpec());
    b.getSpec().getRunner().setImage(RUNNER_IMAGE);
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
