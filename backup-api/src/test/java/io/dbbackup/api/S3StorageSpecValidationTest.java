package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3StorageSpecValidationTest {
  static final String S3 =
      """
      apiVersion: dbbackup.io/v1alpha1
      kind: DatabaseBackup
      metadata: {name: orders-db, namespace: shop}
      spec:
        database:
          host: pg.shop.svc
          user: backup
        storage:
          s3:
            bucket: backups
            prefix: shop/orders
            credentialsSecretRef: {name: s3-creds}
      """;

  static DatabaseBackup parse(String yaml) {
    return Serialization.unmarshal(yaml, DatabaseBackup.class);
  }

  @Test
  void s3TuningDefaultsSuitAws() {
    DatabaseBackup backup = parse(S3);
    assertThat(DatabaseBackupValidator.validate(backup)).isEmpty();
    S3StorageSpec s3 = backup.getSpec().getStorage().getS3();
    assertThat(s3.getChecksumMode()).isEqualTo("when_supported");
    assertThat(s3.getConditionalWrites()).isEqualTo("auto");
    assertThat(s3.getPartSizeMiB()).isEqualTo(16);
    assertThat(s3.getMaxParts()).isEqualTo(10000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          checksumMode: always      | spec.storage.s3.checksumMode      | must be when_supported or when_required, got "always"
          conditionalWrites: maybe  | spec.storage.s3.conditionalWrites | must be auto, required or off, got "maybe"
          partSizeMiB: 4            | spec.storage.s3.partSizeMiB       | must be 5-5120, got 4
          partSizeMiB: 6000         | spec.storage.s3.partSizeMiB       | must be 5-5120, got 6000
          maxParts: 9               | spec.storage.s3.maxParts          | must be 10-10000, got 9
          maxParts: 10001           | spec.storage.s3.maxParts          | must be 10-10000, got 10001
          """)
  void refusesBadS3TuningNamingTheField(String line, String field, String message) {
    DatabaseBackup backup = parse(S3 + "      " + line + "\n");
    List<Violation> violations = DatabaseBackupValidator.validate(backup);
    assertThat(violations).containsExactly(new Violation(field, message));
  }
}
