package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseBackupValidatorTest {
  static final String BASE =
      """
      apiVersion: dbbackup.io/v1alpha1
      kind: DatabaseBackup
      metadata: {name: orders-db, namespace: shop}
      spec:
        database:
          host: pg.shop.svc
          user: backup
          passwordSecretRef: {name: pg-backup, key: password}
        storage:
          volume: {claimName: backups, path: /backup/database}
      """;
  static final String VALID =
      BASE
          + """
            schedule: "0 2 * * *"
            timeZone: Asia/Tokyo
            window: {start: "02:00", end: "05:00"}
          """;

  static DatabaseBackup parse(String yaml) {
    return Serialization.unmarshal(yaml, DatabaseBackup.class);
  }

  @Test
  void acceptsTheDesignExampleAndFillsSeedDefaults() {
    DatabaseBackup backup = parse(VALID);
    assertThat(DatabaseBackupValidator.validate(backup)).isEmpty();
    var spec = backup.getSpec();
    assertThat(spec.getTimeoutMinutes()).isEqualTo(120);
    assertThat(spec.getRetries()).isEqualTo(2);
    assertThat(spec.getRetention().getDays()).isEqualTo(30);
    assertThat(spec.getRetention().getMinKeep()).isEqualTo(1);
    assertThat(spec.isCompress()).isTrue();
    assertThat(spec.isVerify()).isTrue();
    assertThat(spec.getDatabase().getPort()).isEqualTo(5432);
    assertThat(spec.getDatabase().getConnectRetry().getAttempts()).isEqualTo(3);
    assertThat(spec.getDatabase().getConnectRetry().getInitialIntervalSeconds()).isEqualTo(600);
    assertThat(spec.getHistory().getDatabase()).isEqualTo("postgres");
    assertThat(spec.getHistory().getSchema()).isEqualTo("dbbackup");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          schedule: "0 25 * * *"               | spec.schedule         | is not a valid cron expression
          schedule: "0 2 * *"                  | spec.schedule         | must have five fields
          schedule: "@fortnightly"             | spec.schedule         | is not a known macro
          timeZone: Mars/Olympus               | spec.timeZone         | is not an IANA time zone name
          window: {start: "2am", end: "05:00"} | spec.window.start     | must be a time HH:MM
          window: {start: "02:00", end: "02:00"} | spec.window         | start and end must differ
          type: incremental                    | spec.incremental      | must be set with type: incremental
          incremental: {chunkKeySecretRef: {name: k, key: key}} | spec.incremental | goes with type: incremental
          retention: {days: 0}                 | spec.retention.days   | must be 1-36500, got 0
          retention: {minKeep: 0}              | spec.retention.minKeep | must be 1-10000, got 0
          retention: {keepDaily: -1}           | spec.retention.keepDaily | must be 0-3660, got -1
          retention: {keepWeekly: 521}         | spec.retention.keepWeekly | must be 0-520, got 521
          retention: {keepMonthly: 1201}       | spec.retention.keepMonthly | must be 0-1200, got 1201
          retention: {keepYearly: 101}         | spec.retention.keepYearly | must be 0-100, got 101
          compression: {algorithm: gzip, level: 12} | spec.compression.level | must be 1-9 for gzip, got 12
          timeoutMinutes: 0                    | spec.timeoutMinutes   | must be 1-10080, got 0
          retries: -1                          | spec.retries          | must be 0-10, got -1
          retries: 50                          | spec.retries          | must be 0-10, got 50
          timeoutMinutes: 99999                | spec.timeoutMinutes   | must be 1-10080, got 99999
          expectedSizeMiB: 0                   | spec.expectedSizeMiB  | must be at least 1, got 0
          encryption: {}                       | spec.encryption       | set exactly one of publicKeysSecretRef
          encryption: {passphraseSecretRef: {name: p, key: k}, verifyPrivateKeySecretRef: {name: v, key: k}} | spec.encryption.verifyPrivateKeySecretRef | goes with publicKeysSecretRef
          encryption: {publicKeysSecretRef: {name: keys}, verifyPrivateKeySecretRef: {name: v}} | spec.encryption.verifyPrivateKeySecretRef.key | must be a key of the Secret
          history: {schema: "Drop Table"}      | spec.history.schema   | must be a lower-case SQL identifier
          """)
  void refusesBadSpecsNamingTheField(String line, String field, String message) {
    DatabaseBackup backup = parse(BASE + "  " + line + "\n");
    List<Violation> violations = DatabaseBackupValidator.validate(backup);
    assertThat(violations).extracting(Violation::field).containsExactly(field);
    assertThat(violations.getFirst().message()).contains(message);
  }

  @Test
  void gfsRetentionIsAcceptedFromOffToItsUpperBounds() {
    assertThat(
            DatabaseBackupValidator.validate(
                parse(
                    BASE
                        + "  retention: {days: 7, keepDaily: 0, keepWeekly: 0, keepMonthly: 0,"
                        + " keepYearly: 0}\n")))
        .isEmpty();
    DatabaseBackup max =
        parse(
            BASE
                + "  retention: {keepDaily: 3660, keepWeekly: 520, keepMonthly: 1200,"
                + " keepYearly: 100}\n");
    assertThat(DatabaseBackupValidator.validate(max)).isEmpty();
    assertThat(max.getSpec().getRetention().getKeepMonthly()).isEqualTo(1200);
    assertThat(max.getSpec().getRetention().getDays()).isEqualTo(30);
  }

  @Test
  void incrementalNeedsAChunkKeyAndChecksumVerification() {
    String inc = BASE + "  type: incremental\n";
    assertThat(
            DatabaseBackupValidator.validate(
                parse(inc + "  incremental: {chunkKeySecretRef: {name: k, key: key}}\n")))
        .isEmpty();
    List<Violation> noKey = DatabaseBackupValidator.validate(parse(inc + "  incremental: {}\n"));
    assertThat(noKey)
        .extracting(Violation::field)
        .containsExactly("spec.incremental.chunkKeySecretRef");
    List<Violation> restore =
        DatabaseBackupValidator.validate(
            parse(
                inc
                    + "  incremental: {chunkKeySecretRef: {name: k, key: key}}\n"
                    + "  verification: {mode: restore}\n"));
    assertThat(restore).extracting(Violation::field).containsExactly("spec.verification.mode");
    assertThat(restore.getFirst().message()).contains("not supported with type: incremental");
  }

  @Test
  void restoreVerificationIsAcceptedForEveryEncryptionButNotWithVerifyOff() {
    String restore = BASE + "  verification: {mode: restore}\n";
    assertThat(DatabaseBackupValidator.validate(parse(restore))).isEmpty();
    assertThat(
            DatabaseBackupValidator.validate(
                parse(restore + "  encryption: {passphraseSecretRef: {name: p, key: k}}\n")))
        .isEmpty();
    assertThat(
            DatabaseBackupValidator.validate(
                parse(
                    restore
                        + "  encryption: {publicKeysSecretRef: {name: keys},"
                        + " verifyPrivateKeySecretRef: {name: v, key: k}}\n")))
        .isEmpty();
    // Public keys only: restored while dumping (source stream).
    assertThat(
            DatabaseBackupValidator.validate(
                parse(restore + "  encryption: {publicKeysSecretRef: {name: keys}}\n")))
        .isEmpty();
    List<Violation> off = DatabaseBackupValidator.validate(parse(restore + "  verify: false\n"));
    assertThat(off.getFirst().message()).contains("restore needs spec.verify: true");
  }

  @Test
  void refusesTwoStoragesAndNoStorage() {
    DatabaseBackup two =
        parse(VALID.replace("storage:\n", "storage:\n    s3: {bucket: my-bucket}\n"));
    assertThat(DatabaseBackupValidator.validate(two))
        .containsExactly(new Violation("spec.storage", "set exactly one of volume or s3"));

    DatabaseBackup none =
        parse(VALID.replace("    volume: {claimName: backups, path: /backup/database}\n", ""));
    assertThat(DatabaseBackupValidator.validate(none))
        .extracting(Violation::field)
        .containsExactly("spec.storage");
  }

  @Test
  void aKmsKeyGoesWithAwsKmsEncryptionOnly() {
    String s3 = "    s3: {bucket: my-bucket, serverSideEncryption: %s, kmsKeyId: alias/backups}\n";
    String volume = "    volume: {claimName: backups, path: /backup/database}\n";
    DatabaseBackup kms = parse(VALID.replace(volume, s3.formatted("\"aws:kms\"")));
    assertThat(DatabaseBackupValidator.validate(kms)).isEmpty();
    assertThat(kms.getSpec().getStorage().getS3().getKmsKeyId()).isEqualTo("alias/backups");

    DatabaseBackup aes = parse(VALID.replace(volume, s3.formatted("AES256")));
    assertThat(DatabaseBackupValidator.validate(aes))
        .containsExactly(
            new Violation(
                "spec.storage.s3.kmsKeyId",
                "goes with serverSideEncryption aws:kms (got serverSideEncryption \"AES256\")"));
  }

  @Test
  void refusesSelectingDatabasesUntilPerDatabaseDumpsExist() {
    DatabaseBackup backup =
        parse(VALID.replace("    user: backup\n", "    user: backup\n    databases: [shop]\n"));
    assertThat(DatabaseBackupValidator.validate(backup))
        .extracting(Violation::field)
        .containsExactly("spec.database.databases");
  }

  @Test
  void refusesMissingDatabaseFields() {
    DatabaseBackup backup =
        parse(
            VALID
                .replace("    host: pg.shop.svc\n", "")
                .replace("{name: pg-backup, key: password}", "{name: Bad_Name, key: password}"));
    assertThat(DatabaseBackupValidator.validate(backup))
        .extracting(Violation::field)
        .containsExactly("spec.database.host", "spec.database.passwordSecretRef.name");
  }

  static List<Violation> withMetadata(String metadata) {
    return DatabaseBackupValidator.validate(
        parse(VALID.replace("metadata: {name: orders-db, namespace: shop}", metadata)));
  }

  @Test
  void nameAndNamespaceAreDnsLabels() {
    assertThat(withMetadata("metadata: {name: orders-db}")).isEmpty();
    assertThat(withMetadata("metadata: {name: " + "a".repeat(63) + ", namespace: shop}")).isEmpty();
    String expected =
        "must be a DNS label (lowercase letters, digits and '-', start and end alphanumeric, at"
            + " most 63 characters), got ";
    for (String bad : List.of("\"../..\"", "/etc", "shop/../shop", "shop.eu", "Shop", "-shop")) {
      assertThat(withMetadata("metadata: {name: orders-db, namespace: " + bad + "}"))
          .as(bad)
          .extracting(Violation::toString)
          .containsExactly("metadata.namespace: " + expected + "\"" + bad.replace("\"", "") + "\"");
      assertThat(withMetadata("metadata: {name: " + bad + ", namespace: shop}"))
          .as(bad)
          .extracting(Violation::field)
          .containsExactly("metadata.name");
    }
    assertThat(withMetadata("metadata: {name: " + "a".repeat(64) + "}"))
        .extracting(Violation::field)
        .containsExactly("metadata.name");
  }

  @Test
  void secretKeysAndNamesFollowKubernetesRules() {
    String ref = "{name: pg-backup, key: password}";
    for (String bad :
        List.of(
            "{name: pg-backup, key: ../other/password}",
            "{name: pg-backup, key: ..}",
            "{name: pg-backup, key: .}",
            "{name: pg-backup, key: " + "k".repeat(254) + "}")) {
      assertThat(DatabaseBackupValidator.validate(parse(VALID.replace(ref, bad))))
          .as(bad)
          .extracting(Violation::field)
          .containsExactly("spec.database.passwordSecretRef.key");
    }
    assertThat(
            DatabaseBackupValidator.validate(
                parse(VALID.replace(ref, "{name: pg-backup, key: .pg_pass-1}"))))
        .isEmpty();
    assertThat(
            DatabaseBackupValidator.validate(
                parse(VALID.replace(ref, "{name: " + "s".repeat(254) + ", key: password}"))))
        .extracting(Violation::field)
        .containsExactly("spec.database.passwordSecretRef.name");
  }

  @Test
  void s3PrefixesAndVolumePathsNeverEscape() {
    String volume = "    volume: {claimName: backups, path: /backup/database}\n";
    for (String good : List.of("backups", "team-a/prod", "a.b/c..d")) {
      String s3 = "    s3: {bucket: my-bucket, prefix: \"" + good + "\"}\n";
      assertThat(DatabaseBackupValidator.validate(parse(VALID.replace(volume, s3))))
          .as(good)
          .isEmpty();
    }
    for (String bad : List.of("/backups", "backups/", "a//b", "a/../b", "..", "./a", "a/.")) {
      String s3 = "    s3: {bucket: my-bucket, prefix: \"" + bad + "\"}\n";
      assertThat(DatabaseBackupValidator.validate(parse(VALID.replace(volume, s3))))
          .as(bad)
          .extracting(Violation::toString)
          .containsExactly(
              "spec.storage.s3.prefix: must be segments separated by single '/', none empty, '.'"
                  + " or '..' (no leading or trailing '/'), got \""
                  + bad
                  + "\"");
    }
    // a prefix read from a file with its line break, or with a tab: refused, the message one line
    for (String bad : List.of("backups\\n", "team\\ta")) {
      String s3 = "    s3: {bucket: my-bucket, prefix: \"" + bad + "\"}\n";
      assertThat(DatabaseBackupValidator.validate(parse(VALID.replace(volume, s3))))
          .as(bad)
          .extracting(Violation::toString)
          .containsExactly(
              "spec.storage.s3.prefix: must not contain control characters (a line break, a tab),"
                  + " got \""
                  + bad
                  + "\"");
    }
    String escaping = "    volume: {claimName: backups, path: /backup/../etc}\n";
    assertThat(DatabaseBackupValidator.validate(parse(VALID.replace(volume, escaping))))
        .extracting(Violation::toString)
        .containsExactly(
            "spec.storage.volume.path: must not have '.' or '..' segments, got \"/backup/../etc\"");
  }
}
