package io.dbbackup.controller;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode with the generated CRDs (from {@code crds/}) created in
 * it, so the status subresource, optimistic locking and merge patches behave as on a cluster. It
 * has no garbage collector and no Job or CronJob controller: {@link FakeWorkloads} plays those.
 */
public final class MockCluster implements AutoCloseable {
  /** The committed, generated CRDs: the same files the Helm chart ships. */
  public static final Path CRDS = Path.of("../crds");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  /** Keeps a strong reference: JUL forgets the level of a logger nobody holds. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public MockCluster() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // one line per request otherwise
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    // CRUD for everything, except the few requests a test sets an expectation for.
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    client = server.createClient();
    for (String crd :
        List.of("databasebackups.dbbackup.io-v1.yml", "databaserestores.dbbackup.io-v1.yml")) {
      try (InputStream in = Files.newInputStream(CRDS.resolve(crd))) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + CRDS.resolve(crd), e);
      }
    }
  }

  /**
   * Answers the permission check JOSDK makes before leader election (a SelfSubjectRulesReview,
   * which the CRUD mock does not implement) with the rights the Helm chart grants on Leases.
   */
  public void allowLeaderElection() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A second, independent client (e.g. the runner's, or a second operator replica's). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public DatabaseBackup create(DatabaseBackup backup) {
    return client.resource(backup).create();
  }

  public void secret(String namespace, String name, Map<String, String> data) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  public static CustomResourceDefinition crd(String file) throws IOException {
    try (InputStream in = Files.newInputStream(CRDS.resolve(file))) {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          in, CustomResourceDefinition.class);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
