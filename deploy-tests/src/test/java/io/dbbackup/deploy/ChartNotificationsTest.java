package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationSecrets;
import io.dbbackup.api.validation.NotificationsValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifications.defaultChannels: rendered into a ConfigMap the controller reads through the mounted
 * file its environment names, with get on exactly the Secrets those channels name, and refused by
 * values.schema.json when a channel is malformed.
 */
class ChartNotificationsTest {
  static final String CONFIG_MAP = Chart.FULLNAME + "-notifications";
  static final String ENV = "DBBACKUP_NOTIFICATION_DEFAULTS_FILE";
  static final String FILE = "/etc/dbbackup/notifications/default-channels.json";
  static final String DEFAULTS = "notifications.defaultChannels";

  /** The seed's routing, as an operator would write it in a values file. */
  static final String VALUES =
      """
      notifications:
        defaultChannels:
          - name: infra-oncall
            events: [BackupFailed, BackupStale, RestoreFailed]
            pagerDuty: {routingKeySecretRef: {name: pagerduty, key: routingKey}}
          - name: infra-mail
            events: [BackupFailed, BackupRecovered, BackupStale, CapacityLow]
            email:
              host: smtp.example.com
              port: 587
              security: starttls
              usernameSecretRef: {name: smtp, key: username}
              passwordSecretRef: {name: smtp, key: password}
              from: backups@example.com
              to: [infra@example.com, ops@example.com]
          - name: ops-slack
            events: [CapacityLow, Overtime]
            slack: {webhookUrlSecretRef: {name: slack, key: url}}
          - name: audit-hook
            webhook:
              urlSecretRef: {name: hook, key: url}
              signingKeySecretRef: {name: hook-signing, key: key}
      """;

  static Chart.Rendered render(Path dir, String values) throws IOException {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, values);
    return Chart.render(file);
  }

  static List<NotificationChannelSpec> channels(Chart.Rendered rendered) throws IOException {
    JsonNode configMap =
        rendered
            .ofKind("ConfigMap")
            .filter(c -> c.at("/metadata/name").asText().equals(CONFIG_MAP))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ConfigMap " + CONFIG_MAP));
    assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    return new ObjectMapper()
        .readValue(
            configMap.at("/data/default-channels.json").asText(),
            new TypeReference<List<NotificationChannelSpec>>() {});
  }

  @Test
  void theDefaultChannelsReachTheControllerAsTheFileItsEnvironmentNames(@TempDir Path dir)
      throws IOException {
    Chart.Rendered rendered = render(dir, VALUES);
    List<NotificationChannelSpec> channels = channels(rendered);
    assertThat(channels)
        .extracting(NotificationChannelSpec::getName)
        .containsExactly("infra-oncall", "infra-mail", "ops-slack", "audit-hook");
    assertThat(channels.get(1).getEmail().getPort()).isEqualTo(587);
    assertThat(channels.get(1).getEmail().getTo())
        .containsExactly("infra@example.com", "ops@example.com");
    assertThat(NotificationsValidator.validateChannels(DEFAULTS, channels)).isEmpty();
    // The values file, read as the model reads it, is what the ConfigMap holds.
    ObjectMapper json = new ObjectMapper();
    List<NotificationChannelSpec> fromValues =
        json.convertValue(
            Chart.YAML.readTree(VALUES).at("/notifications/defaultChannels"),
            new TypeReference<List<NotificationChannelSpec>>() {});
    JsonNode held = json.valueToTree(channels);
    JsonNode written = json.valueToTree(fromValues);
    assertThat(held).isEqualTo(written);

    JsonNode deployment = rendered.one("Deployment");
    assertThat(ChartRenderTest.env(deployment)).containsEntry(ENV, FILE);
    JsonNode pod = deployment.at("/spec/template/spec");
    String volume = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.at("/configMap/name").asText().equals(CONFIG_MAP)) {
        volume = v.path("name").asText();
      }
    }
    assertThat(volume).as("a volume of the ConfigMap").isNotNull();
    List<String> mounts = new ArrayList<>();
    for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        assertThat(m.path("readOnly").asBoolean()).isTrue();
        mounts.add(m.path("mountPath").asText() + "/default-channels.json");
      }
    }
    assertThat(mounts).containsExactly(FILE);
    assertThat(
            deployment
                .at("/spec/template/metadata/annotations/checksum~1notification-defaults")
                .asText())
        .hasSize(64);
  }

  @Test
  void aChangedChannelRollsTheControllerPods(@TempDir Path dir) throws IOException {
    String before =
        render(dir, VALUES)
            .one("Deployment")
            .at("/spec/template/metadata/annotations/checksum~1notification-defaults")
            .asText();
    String after =
        render(dir, VALUES.replace("ops@example.com", "dba@example.com"))
            .one("Deployment")
            .at("/spec/template/metadata/annotations/checksum~1notification-defaults")
            .asText();
    assertThat(before).isNotBlank();
    assertThat(after).isNotBlank().isNotEqualTo(before);
    // next to the user's own pod annotations
    JsonNode annotations =
        render(dir, VALUES + "podAnnotations:\n  team: dba\n")
            .one("Deployment")
            .at("/spec/template/metadata/annotations");
    assertThat(annotations.path("team").asText()).isEqualTo("dba");
    assertThat(annotations.path("checksum/notification-defaults").asText()).isEqualTo(before);
  }

  @Test
  void theControllerMayGetExactlyTheSecretsTheDefaultChannelsName(@TempDir Path dir)
      throws IOException {
    Chart.Rendered rendered = render(dir, VALUES);
    TreeSet<String> named = new TreeSet<>();
    NotificationSecrets.of(DEFAULTS, channels(rendered)).forEach(e -> named.add(e.ref().getName()));
    assertThat(named).containsExactly("hook", "hook-signing", "pagerduty", "slack", "smtp");

    JsonNode role = rendered.one("Role");
    assertThat(role.at("/metadata/name").asText())
        .isEqualTo(Chart.FULLNAME + "-notification-secrets");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(role.path("rules")).hasSize(1);
    JsonNode rule = role.at("/rules/0");
    assertThat(ChartRenderTest.texts(rule.path("apiGroups"))).containsExactly("");
    assertThat(ChartRenderTest.texts(rule.path("resources"))).containsExactly("secrets");
    assertThat(ChartRenderTest.texts(rule.path("verbs"))).containsExactly("get");
    assertThat(ChartRenderTest.texts(rule.path("resourceNames"))).containsExactlyElementsOf(named);

    JsonNode binding = rendered.one("RoleBinding");
    assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(Chart.FULLNAME);
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    // Cluster-wide rights stay the reviewed table: notifications add nothing there.
    assertThat(ChartRbacTest.granted(rendered.one("ClusterRole")))
        .isEqualTo(ChartRbacTest.CONTROLLER);
  }

  @Test
  void withoutRbacTheChartCreatesNoRoleButStillTheConfigMap(@TempDir Path dir) throws IOException {
    Chart.Rendered rendered = render(dir, VALUES + "rbac:\n  create: false\n");
    assertThat(rendered.ofKind("Role")).isEmpty();
    assertThat(rendered.ofKind("RoleBinding")).isEmpty();
    assertThat(channels(rendered)).hasSize(4);
  }

  @Test
  void withoutDefaultChannelsNothingIsRenderedMountedOrGranted() {
    Chart.Rendered rendered = Chart.render();
    assertThat(rendered.ofKind("ConfigMap")).isEmpty();
    assertThat(rendered.ofKind("Role")).isEmpty();
    JsonNode deployment = rendered.one("Deployment");
    assertThat(ChartRenderTest.env(deployment)).doesNotContainKey(ENV);
    assertThat(deployment.at("/spec/template/spec/containers/0/volumeMounts")).hasSize(1);
  }

  @Test
  void aChannelWithTwoKindsIsRefusedBySchema() {
    Map<String, Object> values = new TreeMap<>();
    values.put(DEFAULTS + "[0].name", "both");
    values.put(DEFAULTS + "[0].slack.webhookUrlSecretRef.name", "slack");
    values.put(DEFAULTS + "[0].slack.webhookUrlSecretRef.key", "url");
    values.put(DEFAULTS + "[0].pagerDuty.routingKeySecretRef.name", "pd");
    values.put(DEFAULTS + "[0].pagerDuty.routingKeySecretRef.key", "key");
    assertThatThrownBy(() -> Chart.template(values))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(ChartValuesSchemaTest.PREFIX)
        .hasMessageContaining(
            "- at '/notifications/defaultChannels/0': 'oneOf' failed, subschemas 1, 2 matched");
    // the same channel with one kind passes
    values.keySet().removeIf(k -> k.contains("pagerDuty"));
    assertThat(Chart.template(values)).contains(CONFIG_MAP);
  }

  @Test
  void aChannelWithNoKindIsRefusedBySchema() {
    assertThatThrownBy(() -> Chart.template(Map.of(DEFAULTS + "[0].name", "nothing")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "- at '/notifications/defaultChannels/0': 'oneOf' failed, none matched\n"
                + "  - at '/notifications/defaultChannels/0': missing property 'email'");
  }

  @Test
  void twoChannelsWithOneNameAreRefusedNamingBoth(@TempDir Path dir) throws IOException {
    String twice = VALUES.replace("name: ops-slack", "name: infra-mail");
    assertThat(twice).isNotEqualTo(VALUES);
    assertThatThrownBy(() -> render(dir, twice))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "notifications.defaultChannels[2].name: \"infra-mail\" is already the name of"
                + " notifications.defaultChannels[1]; names must be unique");
  }

  @Test
  void malformedChannelsAreRefusedWithTheirPath() {
    String mail = DEFAULTS + "[0].email.";
    assertThatThrownBy(
            () ->
                Chart.template(
                    Map.of(
                        DEFAULTS + "[0].name", "m",
                        mail + "host", "smtp",
                        mail + "from", "Backups <b@example.com>",
                        mail + "to[0]", "dba@example.com")))
        .hasMessageContaining("- at '/notifications/defaultChannels/0/email/from'");
    assertThatThrownBy(
            () ->
                Chart.template(
                    Map.of(
                        DEFAULTS + "[0].name", "m",
                        mail + "host", "smtp",
                        mail + "from", "b@example.com")))
        .hasMessageContaining(
            "- at '/notifications/defaultChannels/0/email': missing property 'to'");
    assertThatThrownBy(
            () ->
                Chart.template(
                    Map.of(
                        DEFAULTS + "[0].name", "s",
                        DEFAULTS + "[0].events[0]", "BackupExploded",
                        DEFAULTS + "[0].slack.webhookUrlSecretRef.name", "slack",
                        DEFAULTS + "[0].slack.webhookUrlSecretRef.key", "url")))
        .hasMessageContaining(
            "- at '/notifications/defaultChannels/0/events/0': value must be one of");
  }

  @Test
  void theChartsChannelSchemaHasTheCrdsFieldsAndEvents() throws IOException {
    JsonNode crd =
        Chart.YAML
            .readTree(Chart.ROOT.resolve("crds/databasebackups.dbbackup.io-v1.yml").toFile())
            .at(
                "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/notifications"
                    + "/properties/channels/items");
    JsonNode chart =
        new ObjectMapper()
            .readTree(Chart.DIR.resolve("values.schema.json").toFile())
            .at("/definitions/notificationChannel");
    assertThat(crd.isMissingNode()).isFalse();
    assertThat(fieldNames(chart, chart.path("properties"), ""))
        .isEqualTo(fieldNames(crd, crd.path("properties"), ""));
    assertThat(new TreeSet<>(ChartRenderTest.texts(chart.at("/properties/events/items/enum"))))
        .isEqualTo(new TreeSet<>(ChartRenderTest.texts(crd.at("/properties/events/items/enum"))));
  }

  /** Every field path below a schema's properties, following the chart's local $refs. */
  private static TreeSet<String> fieldNames(JsonNode root, JsonNode properties, String prefix)
      throws IOException {
    TreeSet<String> out = new TreeSet<>();
    JsonNode definitions =
        new ObjectMapper()
            .readTree(Chart.DIR.resolve("values.schema.json").toFile())
            .path("definitions");
    var it = properties.properties().iterator();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode p = e.getValue();
      if (p.has("$ref")) {
        p = definitions.path(p.get("$ref").asText().replace("#/definitions/", ""));
      }
      out.add(prefix + e.getKey());
      if (p.has("properties")) {
        out.addAll(fieldNames(root, p.get("properties"), prefix + e.getKey() + "."));
      }
    }
    return out;
  }
}
