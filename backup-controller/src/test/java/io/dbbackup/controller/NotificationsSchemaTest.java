package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * spec.notifications through the generated CRD as the API server reads it (schema and CEL), then
 * the shared validator: what each layer refuses, with the message a user sees.
 */
class NotificationsSchemaTest {
  static final String SLACK = "{name: %s, slack: {webhookUrlSecretRef: {name: slack, key: url}}}";
  static final String PAGER = "{name: %s, pagerDuty: {routingKeySecretRef: {name: pd, key: key}}}";
  static final String MAIL =
      "{name: %s, email: {host: smtp.example.com, from: b@example.com, to: [dba@example.com]}}";

  static List<String> refusals(String notifications) throws IOException {
    ManifestValidationTest.loadCrds();
    return ManifestValidationTest.refusals(
        ManifestValidationTest.BASE + "  notifications:\n    " + notifications + "\n");
  }

  static String channels(String... channels) {
    return "channels: [" + String.join(", ", channels) + "]";
  }

  @Test
  void oneChannelOfEachKindIsAccepted() throws IOException {
    String hook = "{name: hook, webhook: {urlSecretRef: {name: hook, key: url}}}";
    assertThat(
            refusals(
                channels(
                    SLACK.formatted("chat"),
                    PAGER.formatted("oncall"),
                    MAIL.formatted("mail"),
                    hook)))
        .isEmpty();
  }

  @Test
  void aChannelWithTwoKindsIsRefusedByTheCelRuleAtItsIndex() throws IOException {
    String both =
        "{name: both, slack: {webhookUrlSecretRef: {name: s, key: url}},"
            + " pagerDuty: {routingKeySecretRef: {name: pd, key: key}}}";
    assertThat(refusals(channels(SLACK.formatted("chat"), both)))
        .containsExactly(
            "spec.notifications.channels[1]: Invalid value: \"object\": channel: set exactly one"
                + " of email, slack, pagerDuty or webhook");
  }

  @Test
  void aChannelWithNoKindIsRefusedByTheSameRule() throws IOException {
    assertThat(refusals(channels("{name: nothing, events: [BackupFailed]}")))
        .containsExactly(
            "spec.notifications.channels[0]: Invalid value: \"object\": channel: set exactly one"
                + " of email, slack, pagerDuty or webhook");
  }

  @Test
  void twoChannelsWithOneNameAreRefusedByTheCelRule() throws IOException {
    assertThat(refusals(channels(SLACK.formatted("ops"), PAGER.formatted("ops"))))
        .containsExactly(
            "spec.notifications.channels: Invalid value: \"object\": notifications.channels: each"
                + " channel needs a name of its own");
    // distinct names pass the same rule
    assertThat(refusals(channels(SLACK.formatted("ops"), PAGER.formatted("oncall")))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          channels: [{name: a, events: [BackupExploded], slack: {webhookUrlSecretRef: {name: s, key: url}}}] | $.spec.notifications.channels[0].events[0]: does not have a value in the enumeration
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: []}}]          | $.spec.notifications.channels[0].email.to: must have at least 1 items but found 0
          channels: [{name: a, email: {host: smtp, from: b@example.com}}]                  | $.spec.notifications.channels[0].email: required property 'to' not found
          channels: [{name: a, email: {host: "", from: b@example.com, to: [c@example.com]}}] | $.spec.notifications.channels[0].email.host: must be at least 1 characters long
          channels: [{name: a, email: {host: smtp, port: 0, from: b@example.com, to: [c@example.com]}}] | $.spec.notifications.channels[0].email.port: must have a minimum value of 1
          channels: [{name: a, email: {host: smtp, port: 65536, from: b@example.com, to: [c@example.com]}}] | $.spec.notifications.channels[0].email.port: must have a maximum value of 65535
          channels: [{name: a, email: {host: smtp, security: ssl, from: b@example.com, to: [c@example.com]}}] | $.spec.notifications.channels[0].email.security: does not have a value in the enumeration
          channels: [{name: a, email: {host: smtp, from: "Backups <b@example.com>", to: [c@example.com]}}] | spec.notifications.channels[0].email.from: expected an e-mail address like dba@example.com
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com, nobody]}}] | spec.notifications.channels[0].email.to[1]: expected an e-mail address like dba@example.com
          channels: [{name: Ops, slack: {webhookUrlSecretRef: {name: s, key: url}}}]       | $.spec.notifications.channels[0].name: does not match the regex pattern
          channels: [{slack: {webhookUrlSecretRef: {name: s, key: url}}}]                  | $.spec.notifications.channels[0]: required property 'name' not found
          channels: [{name: a, slack: {}}]                                                 | $.spec.notifications.channels[0].slack: required property 'webhookUrlSecretRef' not found
          channels: [{name: a, slack: {webhookUrlSecretRef: {name: s, key: "a/b"}}}]       | $.spec.notifications.channels[0].slack.webhookUrlSecretRef.key: does not match the regex pattern
          channels: [{name: a, pagerDuty: {routingKeySecretRef: {name: pd}}}]              | $.spec.notifications.channels[0].pagerDuty.routingKeySecretRef: required property 'key' not found
          channels: [{name: a, webhook: {url: "https://hooks.example.com"}}]               | $.spec.notifications.channels[0].webhook: property 'url' is not defined in the schema
          repeatMinutes: 0                                                                 | $.spec.notifications.repeatMinutes: must have a minimum value of 1
          """)
  void aBadChannelIsRefusedNamingTheField(String notifications, String expected)
      throws IOException {
    assertThat(refusals(notifications)).anySatisfy(m -> assertThat(m).contains(expected));
  }

  @Test
  void moreThanThirtyTwoChannelsAreRefusedBySchema() throws IOException {
    String many =
        IntStream.range(0, 33)
            .mapToObj(i -> SLACK.formatted("c" + i))
            .collect(Collectors.joining(", ", "channels: [", "]"));
    assertThat(refusals(many))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "$.spec.notifications.channels: must have at most 32 items but found 33"));
  }

  /**
   * The example routes as BATCH-101 §7 says: failure by e-mail and phone, capacity by e-mail and
   * Slack, overtime by Slack, read through the model's own event defaults.
   */
  @Test
  void theNotificationsExampleRoutesAsTheSeedSays() throws IOException {
    String yaml =
        Files.readString(
            ManifestValidationTest.EXAMPLES.resolve("databasebackup-notifications.yaml"));
    assertThat(ManifestValidationTest.refusals(yaml)).isEmpty();
    NotificationsSpec notifications =
        Serialization.unmarshal(yaml, DatabaseBackup.class).getSpec().getNotifications();
    assertThat(notifications.isUseDefaults()).isFalse();
    assertThat(kindsFor(notifications, NotificationEvent.BackupFailed))
        .containsExactlyInAnyOrder("email", "pagerDuty");
    assertThat(kindsFor(notifications, NotificationEvent.BackupStale))
        .containsExactlyInAnyOrder("email", "pagerDuty");
    assertThat(kindsFor(notifications, NotificationEvent.CapacityLow))
        .containsExactlyInAnyOrder("email", "slack");
    assertThat(kindsFor(notifications, NotificationEvent.Overtime)).containsExactly("slack");
    // the failure mail and the capacity mail go to different teams
    assertThat(recipientsFor(notifications, NotificationEvent.BackupFailed))
        .doesNotContainAnyElementsOf(recipientsFor(notifications, NotificationEvent.CapacityLow));
  }

  private static Set<String> kindsFor(NotificationsSpec spec, NotificationEvent event) {
    Set<String> kinds = new TreeSet<>();
    for (NotificationChannelSpec c : spec.getChannels()) {
      if (c.effectiveEvents().contains(event)) {
        kinds.add(
            c.getEmail() != null
                ? "email"
                : c.getSlack() != null
                    ? "slack"
                    : c.getPagerDuty() != null ? "pagerDuty" : "webhook");
      }
    }
    return kinds;
  }

  private static Set<String> recipientsFor(NotificationsSpec spec, NotificationEvent event) {
    Set<String> to = new TreeSet<>();
    for (NotificationChannelSpec c : spec.getChannels()) {
      if (c.getEmail() != null && c.effectiveEvents().contains(event)) {
        to.addAll(c.getEmail().getTo());
      }
    }
    return to;
  }

  @Test
  void theSchemaKnowsExactlyTheModelsEvents() throws IOException {
    JsonNode events =
        CrdSchemaValidator.read(MockCluster.CRDS.resolve("databasebackups.dbbackup.io-v1.yml"))
            .at(
                "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/notifications"
                    + "/properties/channels/items/properties/events/items/enum");
    List<String> names = new ArrayList<>();
    events.forEach(e -> names.add(e.asText()));
    assertThat(names)
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(NotificationEvent.values()).map(Enum::name).toList());
  }

  @Test
  void everyNotificationFieldHasADescription() throws IOException {
    JsonNode schema =
        CrdSchemaValidator.read(MockCluster.CRDS.resolve("databasebackups.dbbackup.io-v1.yml"))
            .at("/spec/versions/0/schema/openAPIV3Schema/properties");
    List<String> undocumented = new ArrayList<>();
    undescribed(schema.at("/spec/properties/notifications"), "spec.notifications", undocumented);
    undescribed(
        schema.at("/status/properties/notifications"), "status.notifications", undocumented);
    assertThat(schema.at("/spec/properties/notifications").isMissingNode()).isFalse();
    assertThat(schema.at("/status/properties/notifications").isMissingNode()).isFalse();
    assertThat(undocumented).isEmpty();
  }

  private static void undescribed(JsonNode property, String path, List<String> out) {
    if (!property.hasNonNull("description") || property.get("description").asText().isBlank()) {
      out.add(path);
    }
    JsonNode object = property.has("items") ? property.get("items") : property;
    object
        .path("properties")
        .properties()
        .forEach(e -> undescribed(e.getValue(), path + "." + e.getKey(), out));
  }
}
