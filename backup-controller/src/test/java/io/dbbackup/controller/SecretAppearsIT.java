package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A resource applied before its Secret becomes Ready once the Secret exists. */
class SecretAppearsIT extends ControllerTestBase {
  @Test
  void becomesReadyWhenTheMissingSecretIsCreated() {
    var backup = Fixtures.volumeBackup(NS, "late-secret");
    backup.getSpec().getDatabase().getPasswordSecretRef().setName("created-later");
    cluster.create(backup);
    assertThat(ready(awaitReady("late-secret", "False")).getReason()).isEqualTo("SecretNotFound");
    assertThat(cronJob("late-secret")).isNull();

    cluster.secret(NS, "created-later", Map.of("password", "x"));
    awaitReady("late-secret", "True");
    assertThat(cronJob("late-secret")).isNotNull();
  }
}
