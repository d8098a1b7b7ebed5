package io.dbbackup.runner.support;

import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The YAML of a DatabaseBackup of a test cluster stored in a bucket of an {@link S3ProxyServer}
 * (path-style, the server's region, credentials from secret {@code s3-creds}, the cluster's
 * password from secret {@code pg}), in namespace {@code default}; a test adds its own lines under
 * {@code spec} and under {@code spec.storage.s3}.
 */
public final class S3BackupYaml {
  private final String name;
  private final PostgresCluster pg;
  private final String bucket;
  private final String prefix;
  private final URI endpoint;
  private final List<String> spec = new ArrayList<>();
  private final List<String> s3 = new ArrayList<>();

  private S3BackupYaml(
      String name, PostgresCluster pg, String bucket, String prefix, URI endpoint) {
    this.name = name;
    this.pg = pg;
    this.bucket = bucket;
    this.prefix = prefix;
    this.endpoint = endpoint;
  }

  /**
   * Resource {@code name} backing up {@code pg} to {@code bucket} under {@code prefix}, through
   * {@code endpoint} (the server's, or a proxy's in front of it).
   */
  public static S3BackupYaml of(
      String name, PostgresCluster pg, String bucket, String prefix, URI endpoint) {
    return new S3BackupYaml(name, pg, bucket, prefix, endpoint);
  }

  /** More under {@code spec}: {@code lines} as written two spaces in (empty: nothing). */
  public S3BackupYaml spec(String lines) {
    spec.add(lines);
    return this;
  }

  /** More under {@code spec.storage.s3}: {@code lines} as written six spaces in. */
  public S3BackupYaml s3(String lines) {
    s3.add(lines);
    return this;
  }

  public String text() {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: dbbackup.io/v1alpha1
            kind: DatabaseBackup
            metadata: {name: %s, namespace: default}
            spec:
              schedule: "0 2 * * *"
              database:
                host: %s
                port: %d
                user: %s
                passwordSecretRef: {name: pg, key: password}
                connectRetry: {attempts: 1, initialIntervalSeconds: 1}
              storage:
                s3:
                  bucket: %s
                  prefix: %s
                  endpoint: %s
                  region: %s
                  forcePathStyle: true
                  credentialsSecretRef: {name: s3-creds}
            """
                .formatted(
                    name,
                    pg.host(),
                    pg.port(),
                    pg.superuser(),
                    bucket,
                    prefix,
                    endpoint,
                    S3ProxyServer.REGION));
    s3.forEach(lines -> yaml.append("      ").append(lines).append('\n'));
    spec.forEach(lines -> yaml.append("  ").append(lines).append('\n'));
    return yaml.toString();
  }

  /** Writes {@link #text()} to {@code dir/<name>.yaml}, the file returned. */
  public Path writeIn(Path dir) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, text());
    return file;
  }
}
