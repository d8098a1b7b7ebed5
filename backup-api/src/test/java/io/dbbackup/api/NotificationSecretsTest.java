package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationSecrets;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Secret key a notifications spec names, with the field that names it, and nothing else. */
class NotificationSecretsTest {
  @Test
  void everyReferenceOfEveryKindIsListedInFieldOrder() {
    DatabaseBackup backup =
        Serialization.unmarshal(
            DatabaseBackupValidatorTest.BASE
                + """
                  notifications:
                    channels:
                      - name: oncall
                        pagerDuty: {routingKeySecretRef: {name: pd, key: routingKey}}
                      - name: dba-mail
                        email:
                          host: smtp.example.com
                          usernameSecretRef: {name: smtp, key: username}
                          passwordSecretRef: {name: smtp, key: password}
                          from: backups@example.com
                          to: [dba@example.com]
                      - name: open-relay
                        email: {host: relay, from: a@example.com, to: [b@example.com]}
                      - name: ops-chat
                        slack: {webhookUrlSecretRef: {name: slack, key: url}}
                      - name: hook
                        webhook:
                          urlSecretRef: {name: hook, key: url}
                          signingKeySecretRef: {name: hook-signing, key: key}
                      - name: unsigned-hook
                        webhook: {urlSecretRef: {name: hook, key: url2}}
                """,
            DatabaseBackup.class);
    assertThat(NotificationSecrets.of(backup.getSpec().getNotifications()))
        .containsExactly(
            entry(
                "spec.notifications.channels[0].pagerDuty.routingKeySecretRef", "pd", "routingKey"),
            entry("spec.notifications.channels[1].email.usernameSecretRef", "smtp", "username"),
            entry("spec.notifications.channels[1].email.passwordSecretRef", "smtp", "password"),
            entry("spec.notifications.channels[3].slack.webhookUrlSecretRef", "slack", "url"),
            entry("spec.notifications.channels[4].webhook.urlSecretRef", "hook", "url"),
            entry(
                "spec.notifications.channels[4].webhook.signingKeySecretRef",
                "hook-signing",
                "key"),
            entry("spec.notifications.channels[5].webhook.urlSecretRef", "hook", "url2"));
  }

  @Test
  void theChartsDefaultChannelsGetTheirOwnPath() {
    NotificationChannelSpec slack =
        Serialization.unmarshal(
            "name: ops\nslack: {webhookUrlSecretRef: {name: slack, key: url}}",
            NotificationChannelSpec.class);
    assertThat(NotificationSecrets.of("notifications.defaultChannels", List.of(slack)))
        .containsExactly(
            entry("notifications.defaultChannels[0].slack.webhookUrlSecretRef", "slack", "url"));
  }

  @Test
  void noNotificationsNameNoSecrets() {
    assertThat(NotificationSecrets.of(null)).isEmpty();
    DatabaseBackup backup =
        Serialization.unmarshal(DatabaseBackupValidatorTest.BASE, DatabaseBackup.class);
    assertThat(NotificationSecrets.of(backup.getSpec().getNotifications())).isEmpty();
    assertThat(NotificationSecrets.of("x", null)).isEmpty();
  }

  static NotificationSecrets.Entry entry(String field, String name, String key) {
    return new NotificationSecrets.Entry(field, new SecretKeyRef(name, key));
  }
}
