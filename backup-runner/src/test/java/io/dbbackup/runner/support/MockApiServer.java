package io.dbbackup.runner.support;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's mock Kubernetes API server in CRUD mode with the generated DatabaseBackup CRD, one per
 * test, and the system properties that point the runner's client at it (as a pod's environment
 * would), put back afterwards. Register with {@code @RegisterExtension}.
 */
public final class MockApiServer implements BeforeEachCallback, AfterEachCallback {
  private final Map<String, String> saved = new HashMap<>();
  private KubernetesMockServer server;
  private KubernetesClient client;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    // CRUD mode: the server stores what it is sent, status subresource and locking included.
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    client = server.createClient();
    try (InputStream in =
        Files.newInputStream(Path.of("../crds/databasebackups.dbbackup.io-v1.yml"))) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
    // The runner builds its client from the environment, as in a pod; point it at the mock.
    for (var e :
        Map.of(
                "kubernetes.master", client.getConfiguration().getMasterUrl(),
                "kubernetes.trust.certificates", "true",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false")
            .entrySet()) {
      saved.put(e.getKey(), System.getProperty(e.getKey()));
      System.setProperty(e.getKey(), e.getValue());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    saved.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
    saved.clear();
    client.close();
    server.destroy();
  }

  /** A client of the mock server, for the test's own reads and writes. */
  public KubernetesClient client() {
    return client;
  }

  /** The DatabaseBackup resource as the server has it now. */
  public DatabaseBackup backup(String namespace, String name) {
    return client.resources(DatabaseBackup.class).inNamespace(namespace).withName(name).get();
  }

  /** The Events in {@code namespace} about the object named {@code name}. */
  public List<Event> events(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
