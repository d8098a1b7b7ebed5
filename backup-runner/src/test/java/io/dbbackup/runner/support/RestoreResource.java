package io.dbbackup.runner.support;

import io.dbbackup.testing.PostgresCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DatabaseRestore resource for the fixture's orders-db backups into a target cluster, written as
 * the runner reads it: the resource file and the target's password as a mounted secret file.
 * Optional fields are only written when set, so each test states exactly what it restores.
 */
public final class RestoreResource {
  private final PostgresCluster target;
  private String backupId = "latest";
  private Boolean overwrite;
  private String databases;
  private String decryption;

  private RestoreResource(PostgresCluster target) {
    this.target = target;
  }

  /** A restore of the latest backup into {@code target}. */
  public static RestoreResource into(PostgresCluster target) {
    return new RestoreResource(target);
  }

  public RestoreResource backupId(String id) {
    this.backupId = id;
    return this;
  }

  public RestoreResource overwrite(boolean value) {
    this.overwrite = value;
    return this;
  }

  /** spec.databases as a YAML flow sequence, e.g. "[shop, crm]". */
  public RestoreResource databases(String flowSequence) {
    this.databases = flowSequence;
    return this;
  }

  /** spec.decryption as a YAML flow mapping; null writes none. */
  public RestoreResource decryption(String flowMapping) {
    this.decryption = flowMapping;
    return this;
  }

  public String yaml() {
    StringBuilder sb =
        new StringBuilder(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseRestore
            metadata: {name: orders-db-restore, namespace: shop}
            spec:
              backupRef: {name: orders-db}
            """);
    sb.append("  backupId: ").append(backupId).append('\n');
    if (overwrite != null) {
      sb.append("  overwrite: ").append(overwrite).append('\n');
    }
    if (databases != null) {
      sb.append("  databases: ").append(databases).append('\n');
    }
    sb.append(
        """
          target:
            host: %s
            port: %d
            user: postgres
            passwordSecretRef: {name: target-pg, key: password}
        """
            .formatted(target.host(), target.port()));
    if (decryption != null) {
      sb.append("  decryption: ").append(decryption).append('\n');
    }
    return sb.toString();
  }

  /**
   * Writes the target's password to {@code dir/secrets/target-pg/password} (the fixture's secrets
   * directory) and the resource to {@code dir/restore.yaml}; returns the resource file.
   */
  public Path write(Path dir) {
    try {
      Path secret = dir.resolve("secrets/target-pg/password");
      Files.createDirectories(secret.getParent());
      Files.writeString(secret, target.password());
      Path file = dir.resolve("restore.yaml");
      Files.writeString(file, yaml());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
