package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in {@code examples/} passes the generated CRD's schema and CEL rules and the
 * shared validator; a table of bad specs is refused with the message a user would see.
 */
class ManifestValidationTest {
  static final Path EXAMPLES = Path.of("../examples");
  static CrdSchemaValidator backups;
  static CrdSchemaValidator restores;

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

  @BeforeAll
  static void loadCrds() throws IOException {
    backups = CrdSchemaValidator.forCrd("databasebackups.dbbackup.io-v1.yml");
    restores = CrdSchemaValidator.forCrd("databaserestores.dbbackup.io-v1.yml");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /** Refusals in the order a user meets them: CRD schema and CEL, then the controller. */
  static List<String> refusals(String yaml) throws IOException {
    List<String> refusals = new ArrayList<>(backups.validate(CrdSchemaValidator.parse(yaml)));
    if (refusals.isEmpty()) {
      DatabaseBackup backup = Serialization.unmarshal(yaml, DatabaseBackup.class);
      DatabaseBackupValidator.validate(backup).stream()
          .map(Violation::toString)
          .forEach(refusals::add);
    }
    return refusals;
  }

  @Test
  void thereAreTheThreeExamples() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains(
            "databasebackup-volume.yaml",
            "databasebackup-s3.yaml",
            "databasebackup-notifications.yaml",
            "databasebackup-incremental.yaml",
            "databaserestore.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsAcceptedByTheCrdAndTheValidator(Path example) throws IOException {
    JsonNode manifest = CrdSchemaValidator.read(example);
    String kind = manifest.get("kind").asText();
    String yaml = Files.readString(example);
    if (kind.equals("DatabaseBackup")) {
      assertThat(backups.validate(manifest)).isEmpty();
      DatabaseBackup backup = Serialization.unmarshal(yaml, DatabaseBackup.class);
      assertThat(DatabaseBackupValidator.validate(backup)).isEmpty();
    } else {
      assertThat(kind).isEqualTo("DatabaseRestore");
      assertThat(restores.validate(manifest)).isEmpty();
      assertThat(
              Serialization.unmarshal(yaml, DatabaseRestore.class)
                  .getSpec()
                  .getBackupRef()
                  .getName())
          .isEqualTo("billing-db");
    }
  }

  @Test
  void aRestoresSpecCannotChangeOnceCreated() throws IOException {
    JsonNode created = CrdSchemaValidator.read(EXAMPLES.resolve("databaserestore.yaml"));
    assertThat(restores.validateUpdate(created, created.deepCopy())).isEmpty();
    JsonNode relabelled = created.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) relabelled.get("metadata"))
        .putObject("labels")
        .put("team", "billing");
    assertThat(restores.validateUpdate(created, relabelled)).isEmpty();
    JsonNode retargeted = created.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) retargeted.at("/spec/target"))
        .put("host", "elsewhere.billing.svc");
    assertThat(restores.validateUpdate(created, retargeted))
        .containsExactly(
            "spec: Invalid value: \"object\": a DatabaseRestore runs once: its spec cannot change;"
                + " create a new one instead");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          schedule: "every night"                    | $.spec.schedule: does not match the regex pattern
          schedule: "0 25 * * *"                     | spec.schedule: "0 25 * * *" is not a valid cron expression
          timeZone: Mars/Olympus                     | spec.timeZone: "Mars/Olympus" is not an IANA time zone name
          timeoutMinutes: 0                          | $.spec.timeoutMinutes: must have a minimum value of 1
          retries: 11                                | $.spec.retries: must have a maximum value of 10
          type: differential                         | $.spec.type: does not have a value in the enumeration
          scheduel: "0 2 * * *"                      | $.spec: property 'scheduel' is not defined in the schema
          window: {start: "2am", end: "05:00"}       | $.spec.window.start: does not match the regex pattern
          window: {start: "02:00", end: "02:00"}     | spec.window: start and end must differ
          compression: {algorithm: gzip, level: 12}  | spec.compression: Invalid value: "object": compression.level must be 1-9 for gzip and 1-19 for zstd
          retention: {days: 0}                       | $.spec.retention.days: must have a minimum value of 1
          retention: {keepDaily: -1}                 | $.spec.retention.keepDaily: must have a minimum value of 0
          retention: {keepWeekly: 521}               | $.spec.retention.keepWeekly: must have a maximum value of 520
          retention: {keepYearly: 101}               | $.spec.retention.keepYearly: must have a maximum value of 100
          encryption: {}                             | spec.encryption: Invalid value: "object": encryption: set exactly one of publicKeysSecretRef or passphraseSecretRef
          history: {schema: "Drop Table"}            | $.spec.history.schema: does not match the regex pattern
          """)
  void badSpecIsRefusedWithAMessageNamingTheField(String line, String expected) throws IOException {
    assertThat(refusals(BASE + "  " + line + "\n"))
        .anySatisfy(m -> assertThat(m).contains(expected));
  }

  @Test
  void twoStoragesAreRefusedByTheCelRule() throws IOException {
    String yaml = BASE.replace("storage:\n", "storage:\n    s3: {bucket: shop-backups}\n");
    assertThat(refusals(yaml))
        .containsExactly(
            "spec.storage: Invalid value: \"object\": storage: set exactly one of volume or s3");
  }

  @Test
  void aKmsKeyWithoutAwsKmsEncryptionIsRefusedByTheCelRule() throws IOException {
    String volume = "    volume: {claimName: backups, path: /backup/database}\n";
    assertThat(BASE).contains(volume);
    String s3 =
        "    s3: {bucket: shop-backups, serverSideEncryption: %s, kmsKeyId: alias/backups}\n";
    assertThat(refusals(BASE.replace(volume, s3.formatted("AES256"))))
        .containsExactly(
            "spec.storage.s3: Invalid value: \"object\": s3.kmsKeyId goes with"
                + " serverSideEncryption aws:kms");
    assertThat(refusals(BASE.replace(volume, s3.formatted("\"aws:kms\"")))).isEmpty();
    // without serverSideEncryption at all
    assertThat(
            refusals(BASE.replace(volume, "    s3: {bucket: shop-backups, kmsKeyId: alias/k}\n")))
        .containsExactly(
            "spec.storage.s3: Invalid value: \"object\": s3.kmsKeyId goes with"
                + " serverSideEncryption aws:kms");
  }

  @Test
  void missingRequiredFieldIsRefusedBySchema() throws IOException {
    String yaml = BASE.replace("    user: backup\n", "");
    assertThat(refusals(yaml))
        .anySatisfy(
            m -> assertThat(m).contains("$.spec.database: required property 'user' not found"));
  }

  @Test
  void theBaseSpecIsAccepted() throws IOException {
    assertThat(refusals(BASE)).isEmpty();
  }
}
