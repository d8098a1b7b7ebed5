package io.dbbackup.controller;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.fabric8.kubernetes.client.utils.Serialization;

/** DatabaseBackup manifests used across the tests. */
public final class Fixtures {
  private Fixtures() {}

  /** A minimal valid backup to a PVC, password from Secret {@code pg-backup}. */
  public static DatabaseBackup volumeBackup(String namespace, String name) {
    return Serialization.unmarshal(
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseBackup
        metadata: {name: %s, namespace: %s}
        spec:
          schedule: "0 2 * * *"
          timeZone: Asia/Tokyo
          database:
            host: pg.shop.svc
            user: backup
            passwordSecretRef: {name: pg-backup, key: password}
          storage:
            volume: {claimName: backups, path: /backup/database}
        """
            .formatted(name, namespace),
        DatabaseBackup.class);
  }

  /** A full backup to S3 with public-key encryption. */
  public static DatabaseBackup s3Backup(String namespace, String name) {
    return Serialization.unmarshal(
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseBackup
        metadata: {name: %s, namespace: %s}
        spec:
          schedule: "30 1 * * *"
          timeoutMinutes: 90
          retries: 1
          database:
            host: pg.shop.svc
            user: backup
            passwordSecretRef: {name: pg-backup, key: password}
          storage:
            s3: {bucket: shop-backups, prefix: shop/orders, region: eu-west-1, credentialsSecretRef: {name: s3-creds}}
          encryption:
            publicKeysSecretRef: {name: backup-pubkeys}
          runner:
            image: registry.example/dbbackup-runner:1.2.3
            resources:
              limits: {memory: 2Gi, cpu: "1"}
        """
            .formatted(name, namespace),
        DatabaseBackup.class);
  }
}
