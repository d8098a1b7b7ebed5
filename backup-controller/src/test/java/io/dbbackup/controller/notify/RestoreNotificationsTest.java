package io.dbbackup.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.status.Conditions;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus;
import io.dbbackup.api.v1alpha1.DatabaseRestoreStatus.Phase;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.notify.Severity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** A finished restore's notification, from its status alone. */
class RestoreNotificationsTest {
  static final Instant NOW = Instant.parse("2026-11-24T03:30:00Z");

  static DatabaseRestore restore(Phase phase, String reason, String message) {
    DatabaseRestore r =
        Serialization.unmarshal(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseRestore
            metadata: {name: orders-restore, namespace: shop, uid: r-1}
            spec:
              backupRef: {name: orders-db}
              backupId: latest
              target: {host: pg, user: postgres, passwordSecretRef: {name: t, key: password}}
            """,
            DatabaseRestore.class);
    DatabaseRestoreStatus s = new DatabaseRestoreStatus();
    s.setPhase(phase);
    s.setMessage(message);
    s.setBackupId("20261124T020000Z-7f3a");
    s.setCompletionTime("2026-11-24T03:20:00Z");
    s.setConditions(new ArrayList<>());
    Conditions.set(s.getConditions(), "Succeeded", "False", reason, message, 1L, NOW);
    r.setStatus(s);
    return r;
  }

  @Test
  void aFailedRestoreIsRestoreFailedKeyedByItsUidWithTheRunnersWords() {
    Happening h =
        RestoreNotifications.of(
                restore(Phase.Failed, "VerificationFailed", "SHA-256 differs (exit code 7)"), NOW)
            .orElseThrow();
    assertThat(h.event()).isEqualTo(NotificationEvent.RestoreFailed);
    assertThat(h.key()).isEqualTo("RestoreFailed/r-1");
    assertThat(h.persists()).isFalse();
    assertThat(h.notification().severity()).isEqualTo(Severity.ERROR);
    assertThat(h.notification().summary()).isEqualTo("SHA-256 differs (exit code 7)");
    assertThat(h.notification().resource().kind()).isEqualTo("DatabaseRestore");
    assertThat(h.notification().backupId()).isEqualTo("20261124T020000Z-7f3a");
    assertThat(h.notification().occurredAt()).isEqualTo(Instant.parse("2026-11-24T03:20:00Z"));
    assertThat(h.notification().details())
        .containsEntry("reason", "VerificationFailed")
        .containsEntry("backup", "orders-db");
  }

  @Test
  void aSucceededRestoreIsRestoreSucceededAndARunningOneNothing() {
    assertThat(RestoreNotifications.of(restore(Phase.Succeeded, "Restored", "ok"), NOW))
        .hasValueSatisfying(h -> assertThat(h.key()).isEqualTo("RestoreSucceeded/r-1"));
    assertThat(RestoreNotifications.of(restore(Phase.Running, "Running", "running"), NOW))
        .isEmpty();
  }
}
