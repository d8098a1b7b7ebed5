package io.dbbackup.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.controller.ControllerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's default channels, read from DBBACKUP_NOTIFICATION_DEFAULTS_FILE. */
class NotificationSettingsTest {
  @TempDir Path dir;

  @Test
  void theDefaultsFileGivesTheChannelsAndTheirSecretsAreInThePodNamespace() throws Exception {
    Path file = dir.resolve("defaults.json");
    Files.writeString(
        file,
        """
        [{"name": "ops-chat", "events": ["CapacityLow", "Overtime"],
          "slack": {"webhookUrlSecretRef": {"name": "slack", "key": "url"}}},
         {"name": "oncall", "pagerDuty": {"routingKeySecretRef": {"name": "pd", "key": "key"}}}]
        """);
    ControllerConfig config =
        ControllerConfig.fromEnvironment(
            Map.of(
                NotificationSettings.DEFAULTS_FILE_ENV, file.toString(), "POD_NAMESPACE", "ops"));
    NotificationSettings n = config.notifications();
    assertThat(n.defaultsNamespace()).isEqualTo("ops");
    assertThat(n.defaultChannels())
        .extracting(c -> c.getName())
        .containsExactly("ops-chat", "oncall");
    assertThat(n.defaultChannels().getFirst().effectiveEvents())
        .containsExactlyInAnyOrder(NotificationEvent.CapacityLow, NotificationEvent.Overtime);
    assertThat(ControllerConfig.fromEnvironment(Map.of()).notifications().defaultChannels())
        .isEmpty();
  }

  @Test
  void aBadDefaultsFileIsRefusedNamingTheVariableTheEntryAndWhatWasExpected() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        """
        [{"name": "a", "webhook": {"urlSecretRef": {"name": "h", "key": "url"}},
          "slack": {"webhookUrlSecretRef": {"name": "s", "key": "url"}}},
         {"name": "a", "webhook": {"urlSecretRef": {"name": "h", "key": "url"}}},
         {"name": "Bad_Name", "webhook": {"urlSecretRef": {"name": "h", "key": "url"}}}]
        """);
    assertThatThrownBy(() -> NotificationSettings.readDefaults(file))
        .hasMessageContaining(NotificationSettings.DEFAULTS_FILE_ENV)
        .hasMessageContaining(
            "[0]: has 2 of email, slack, pagerDuty, webhook; expected exactly one")
        .hasMessageContaining("[1].name: \"a\" is used twice")
        .hasMessageContaining("[2].name: \"Bad_Name\" is not valid");
    Files.writeString(file, "{\"name\": \"a\"}");
    assertThatThrownBy(() -> NotificationSettings.readDefaults(file))
        .hasMessageContaining("expected a JSON array of notification channels");
    assertThatThrownBy(() -> NotificationSettings.readDefaults(dir.resolve("missing.json")))
        .hasMessageContaining("cannot be read");
  }
}
