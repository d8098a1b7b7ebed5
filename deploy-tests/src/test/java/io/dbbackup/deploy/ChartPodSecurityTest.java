package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.controller.dependent.RunnerContract;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod template the chart renders (the controller Deployment, the helm test pod) meets the Pod
 * Security Standard "restricted", with a read-only root file system and an emptyDir for scratch.
 */
class ChartPodSecurityTest {
  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("defaults", Map.of()),
        Arguments.of(
            "two replicas, namespaces, monitoring",
            Chart.values(
                "replicaCount",
                2,
                "watch.namespaces[0]",
                "shop",
                "metrics.serviceMonitor.enabled",
                true,
                "metrics.prometheusRule.enabled",
                true,
                "podLabels.team",
                "dba")),
        Arguments.of(
            "default notification channels, dashboard",
            Chart.values(
                "notifications.defaultChannels[0].name",
                "ops",
                "notifications.defaultChannels[0].slack.webhookUrlSecretRef.name",
                "slack",
                "notifications.defaultChannels[0].slack.webhookUrlSecretRef.key",
                "url",
                "grafanaDashboard.enabled",
                true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void everyPodMeetsRestricted(String name, Map<String, Object> values) {
    Map<String, JsonNode> pods = Chart.renderWithTestHooks(values).podSpecs();
    assertThat(pods.keySet())
        .containsExactlyInAnyOrder(
            "Deployment/" + Chart.FULLNAME, "Pod/" + Chart.FULLNAME + "-test-readyz");
    pods.forEach(ChartPodSecurityTest::assertRestricted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void theControllerRunsAsTheRunnersUidWithScratchInAnEmptyDir(
      String name, Map<String, Object> values) {
    JsonNode pod = Chart.render(values).podSpecs().get("Deployment/" + Chart.FULLNAME);
    assertThat(pod.at("/securityContext/runAsUser").asLong()).isEqualTo(RunnerContract.RUNNER_UID);
    assertThat(pod.at("/securityContext/runAsGroup").asLong()).isEqualTo(RunnerContract.RUNNER_UID);
    assertThat(pod.at("/containers/0/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    String volume = pod.at("/containers/0/volumeMounts/0/name").asText();
    assertThat(pod.path("volumes"))
        .anySatisfy(
            v -> {
              assertThat(v.path("name").asText()).isEqualTo(volume);
              assertThat(v.has("emptyDir")).isTrue();
            });
  }

  static void assertRestricted(String id, JsonNode pod) {
    JsonNode podContext = pod.path("securityContext");
    assertThat(podContext.path("runAsNonRoot").asBoolean()).as("%s runAsNonRoot", id).isTrue();
    assertThat(podContext.path("runAsUser").asLong()).as("%s runAsUser", id).isPositive();
    assertThat(podContext.at("/seccompProfile/type").asText())
        .as("%s seccompProfile", id)
        .isEqualTo("RuntimeDefault");
    assertThat(pod.path("hostNetwork").asBoolean(false)).as("%s hostNetwork", id).isFalse();
    assertThat(pod.path("hostPID").asBoolean(false)).as("%s hostPID", id).isFalse();
    assertThat(pod.path("hostIPC").asBoolean(false)).as("%s hostIPC", id).isFalse();
    for (JsonNode volume : pod.path("volumes")) {
      assertThat(volume.has("hostPath")).as("%s hostPath volume", id).isFalse();
    }
    Stream.concat(stream(pod.path("initContainers")), stream(pod.path("containers")))
        .forEach(
            c -> {
              String at = id + " container " + c.path("name").asText();
              JsonNode sc = c.path("securityContext");
              assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).as(at).isTrue();
              assertThat(sc.path("allowPrivilegeEscalation").asBoolean())
                  .as("%s allowPrivilegeEscalation", at)
                  .isFalse();
              assertThat(sc.path("privileged").asBoolean(false)).as("%s privileged", at).isFalse();
              assertThat(ChartRenderTest.texts(sc.at("/capabilities/drop")))
                  .as("%s capabilities.drop", at)
                  .containsExactly("ALL");
              assertThat(sc.at("/capabilities/add").isMissingNode())
                  .as("%s capabilities.add", at)
                  .isTrue();
              assertThat(sc.path("readOnlyRootFilesystem").asBoolean())
                  .as("%s readOnlyRootFilesystem", at)
                  .isTrue();
              assertThat(sc.path("runAsNonRoot").asBoolean(true))
                  .as("%s runAsNonRoot", at)
                  .isTrue();
              assertThat(sc.has("runAsUser") && sc.path("runAsUser").asLong() == 0)
                  .as("%s runAsUser 0", at)
                  .isFalse();
              for (JsonNode port : c.path("ports")) {
                assertThat(port.has("hostPort")).as("%s hostPort", at).isFalse();
              }
              assertThat(c.at("/resources/limits/memory").isMissingNode())
                  .as("%s memory limit", at)
                  .isFalse();
            });
  }

  static Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }
}
