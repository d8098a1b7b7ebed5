package io.dbbackup.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events on a DatabaseBackup or DatabaseRestore, as {@code kubectl describe} shows
 * them. An Event that cannot be written is logged, never fatal: Events are a courtesy, the status
 * is the record.
 */
public final class BackupEvents {
  public static final String COMPONENT = "dbbackup-operator";
  private static final Logger LOG = LoggerFactory.getLogger(BackupEvents.class);

  private final KubernetesClient client;
  private final Clock clock;

  public BackupEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void warning(HasMetadata backup, String reason, String message) {
    record(backup, "Warning", reason, message);
  }

  public void normal(HasMetadata backup, String reason, String message) {
    record(backup, "Normal", reason, message);
  }

  private void record(HasMetadata backup, String type, String reason, String message) {
    String now = clock.instant().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                backup.getMetadata().getName()
                    + "."
                    + UUID.randomUUID().toString().substring(0, 13))
            .withNamespace(backup.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(backup.getApiVersion())
                    .withKind(backup.getKind())
                    .withName(backup.getMetadata().getName())
                    .withNamespace(backup.getMetadata().getNamespace())
                    .withUid(backup.getMetadata().getUid())
                    .withResourceVersion(backup.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(truncate(message))
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(backup.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record Event reason={} code={}: {}", reason, e.getCode(), e.getMessage());
    }
  }

  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
