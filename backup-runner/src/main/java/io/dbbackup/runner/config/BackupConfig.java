package io.dbbackup.runner.config;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A validated DatabaseBackup as the runner uses it, with where its secrets are. */
public record BackupConfig(DatabaseBackup resource, SecretFiles secrets) {
  public static final String DEFAULT_NAMESPACE = "default";

  public DatabaseBackupSpec spec() {
    return resource.getSpec();
  }

  public String namespace() {
    String ns = resource.getMetadata().getNamespace();
    return ns == null || ns.isBlank() ? DEFAULT_NAMESPACE : ns;
  }

  public String name() {
    return resource.getMetadata().getName();
  }

  /** The zone schedules and windows are read in: spec.timeZone, else UTC. */
  public ZoneId zone() {
    String tz = spec().getTimeZone();
    return tz == null || tz.isBlank() ? ZoneOffset.UTC : ZoneId.of(tz);
  }

  /** namespace/name, as logs and locks name the backup. */
  public String qualifiedName() {
    return namespace() + "/" + name();
  }
}
