package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.NotificationsValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** spec.notifications as the runner and the controller check it: every message names its field. */
class NotificationsValidatorTest {
  static final String BASE = DatabaseBackupValidatorTest.BASE + "  notifications:\n";

  static final String MAIL =
      "{name: dba-mail, email: {host: smtp.example.com, from: backups@example.com, to:"
          + " [dba@example.com]}}";
  static final String SLACK =
      "{name: ops-chat, slack: {webhookUrlSecretRef: {name: slack, key: url}}}";

  static List<String> violations(String notifications) {
    DatabaseBackup backup =
        Serialization.unmarshal(BASE + "    " + notifications + "\n", DatabaseBackup.class);
    return DatabaseBackupValidator.validate(backup).stream().map(Violation::toString).toList();
  }

  @Test
  void theDesignsFourChannelsAreAccepted() {
    String yaml =
        BASE
            + """
                repeatMinutes: 60
                channels:
                  - name: oncall
                    events: [BackupFailed, BackupStale]
                    pagerDuty: {routingKeySecretRef: {name: pd, key: routingKey}}
                  - name: dba-mail
                    email:
                      host: smtp.example.com
                      port: 465
                      security: tls
                      usernameSecretRef: {name: smtp, key: username}
                      passwordSecretRef: {name: smtp, key: password}
                      from: backups@example.com
                      to: [dba@example.com, "oncall+db@ops.example.co.jp"]
                  - name: ops-chat
                    slack: {webhookUrlSecretRef: {name: slack, key: url}}
                  - name: hook
                    webhook:
                      urlSecretRef: {name: hook, key: url}
                      signingKeySecretRef: {name: hook, key: key}
            """;
    DatabaseBackup backup = Serialization.unmarshal(yaml, DatabaseBackup.class);
    assertThat(DatabaseBackupValidator.validate(backup)).isEmpty();
    var channels = backup.getSpec().getNotifications().getChannels();
    assertThat(channels.get(0).effectiveEvents())
        .containsExactlyInAnyOrder(NotificationEvent.BackupFailed, NotificationEvent.BackupStale);
    assertThat(channels.get(2).effectiveEvents())
        .doesNotContain(NotificationEvent.BackupSucceeded, NotificationEvent.RestoreSucceeded)
        .contains(NotificationEvent.BackupFailed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: []}}] | spec.notifications.channels[0].email.to: expected at least one address
          channels: [{name: a, email: {host: smtp, from: b@example.com}}] | spec.notifications.channels[0].email.to: expected at least one address
          channels: [{name: a, email: {host: "", from: b@example.com, to: [c@example.com]}}] | spec.notifications.channels[0].email.host: must name the SMTP server
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com], port: 0}}] | spec.notifications.channels[0].email.port: must be 1-65535, got 0
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com], port: 70000}}] | spec.notifications.channels[0].email.port: must be 1-65535, got 70000
          channels: [{name: a, email: {host: smtp, from: "Backups <b@example.com>", to: [c@example.com]}}] | spec.notifications.channels[0].email.from: expected an e-mail address like dba@example.com (no display name), got "Backups <b@example.com>"
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com, "not an address"]}}] | spec.notifications.channels[0].email.to[1]: expected an e-mail address
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: ["c@example.com\\nBcc: x@evil.example"]}}] | spec.notifications.channels[0].email.to[0]: expected an e-mail address
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: ["c@-example.com"]}}] | spec.notifications.channels[0].email.to[0]: expected an e-mail address
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com], passwordSecretRef: {name: smtp, key: password}}}] | spec.notifications.channels[0].email: set both usernameSecretRef and passwordSecretRef
          channels: [{name: a, email: {host: smtp, from: b@example.com, to: [c@example.com], usernameSecretRef: {name: smtp, key: u}, passwordSecretRef: {name: Smtp, key: p}}}] | spec.notifications.channels[0].email.passwordSecretRef.name: must be a Secret name
          channels: [{name: a, slack: {webhookUrlSecretRef: {name: slack, key: "a/b"}}}] | spec.notifications.channels[0].slack.webhookUrlSecretRef.key: must be a key of the Secret
          channels: [{name: a, slack: {}}]             | spec.notifications.channels[0].slack.webhookUrlSecretRef: must name the Secret key holding the incoming webhook URL
          channels: [{name: a, pagerDuty: {}}]         | spec.notifications.channels[0].pagerDuty.routingKeySecretRef: must name the Secret key
          channels: [{name: a, webhook: {}}]           | spec.notifications.channels[0].webhook.urlSecretRef: must name the Secret key
          channels: [{name: a, webhook: {urlSecretRef: {name: h, key: url}, signingKeySecretRef: {name: h, key: ".."}}}] | spec.notifications.channels[0].webhook.signingKeySecretRef.key: must be a key of the Secret
          channels: [{name: a}]                        | spec.notifications.channels[0]: set exactly one of email, slack, pagerDuty or webhook, got 0
          channels: [{name: a, slack: {webhookUrlSecretRef: {name: s, key: url}}, pagerDuty: {routingKeySecretRef: {name: p, key: k}}}] | spec.notifications.channels[0]: set exactly one of email, slack, pagerDuty or webhook, got 2
          channels: [{slack: {webhookUrlSecretRef: {name: s, key: url}}}] | spec.notifications.channels[0].name: must be set
          channels: [{name: Ops_Chat, slack: {webhookUrlSecretRef: {name: s, key: url}}}] | spec.notifications.channels[0].name: must be a DNS label
          channels: [{name: a, events: [BackupFailed, BackupFailed], slack: {webhookUrlSecretRef: {name: s, key: url}}}] | spec.notifications.channels[0].events[1]: BackupFailed is listed twice
          repeatMinutes: 0                             | spec.notifications.repeatMinutes: must be 1-525600 (a year), got 0
          """)
  void aBadChannelIsRefusedNamingItsField(String notifications, String expected) {
    assertThat(violations(notifications)).anySatisfy(v -> assertThat(v).startsWith(expected));
  }

  @Test
  void aSecondChannelWithTheSameNameIsRefusedPointingAtTheFirst() {
    assertThat(
            violations("channels: [" + MAIL + ", " + SLACK.replace("ops-chat", "dba-mail") + "]"))
        .containsExactly(
            "spec.notifications.channels[1].name: \"dba-mail\" is already the name of"
                + " spec.notifications.channels[0]; names must be unique");
  }

  @Test
  void theMessageNamesTheChannelByItsIndex() {
    assertThat(
            violations(
                "channels: [" + SLACK + ", " + MAIL.replace("[dba@example.com]", "[]") + "]"))
        .containsExactly("spec.notifications.channels[1].email.to: expected at least one address");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dba@example.com",
        "first.last+tag@mail.example.co.jp",
        "root@localhost",
        "o'brien@example.com"
      })
  void plainAddressesAreAccepted(String address) {
    assertThat(
            violations(
                MAIL.replace("dba@example.com", address).transform(m -> "channels: [" + m + "]")))
        .isEmpty();
  }

  @Test
  void theChartsDefaultChannelsAreCheckedUnderTheirOwnPath() {
    NotificationChannelSpec twoKinds =
        Serialization.unmarshal(
            "name: x\nslack: {webhookUrlSecretRef: {name: s, key: url}}\n"
                + "webhook: {urlSecretRef: {name: Hook, key: url}}",
            NotificationChannelSpec.class);
    assertThat(
            NotificationsValidator.validateChannels(
                    "notifications.defaultChannels", List.of(twoKinds))
                .stream()
                .map(Violation::toString))
        .containsExactly(
            "notifications.defaultChannels[0]: set exactly one of email, slack, pagerDuty or"
                + " webhook, got 2",
            "notifications.defaultChannels[0].webhook.urlSecretRef.name: must be a Secret name (a"
                + " DNS subdomain: lowercase letters, digits, '-' and '.', at most 253"
                + " characters), got \"Hook\"");
  }

  @Test
  void noNotificationsAtAllIsValid() {
    assertThat(
            DatabaseBackupValidator.validate(
                Serialization.unmarshal(DatabaseBackupValidatorTest.BASE, DatabaseBackup.class)))
        .isEmpty();
  }
}
