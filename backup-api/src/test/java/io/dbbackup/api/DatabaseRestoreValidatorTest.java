package io.dbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseRestoreValidatorTest {
  static final String VALID =
      """
      apiVersion: dbbackup.io/v1alpha1
      kind: DatabaseRestore
      metadata: {name: orders-db-restore, namespace: shop}
      spec:
        backupRef: {name: orders-db}
        target:
          host: pg-restore.shop.svc
          port: 5432
          user: postgres
          passwordSecretRef: {name: pg-restore, key: password}
      """;

  static List<String> violations(String extra) {
    DatabaseRestore r = Serialization.unmarshal(VALID + "  " + extra + "\n", DatabaseRestore.class);
    return DatabaseRestoreValidator.validate(r).stream().map(Violation::toString).toList();
  }

  @Test
  void selectedDatabasesAreNamedOnceAndNeverTemplate0() {
    assertThat(violations("databases: []")).isEmpty();
    assertThat(violations("databases: [shop, postgres, template1]")).isEmpty();
    assertThat(violations("databases: [shop, \"\", template0, shop]"))
        .containsExactly(
            "spec.databases[1]: must name a database",
            "spec.databases[2]: template0 is not in a pg_dumpall backup",
            "spec.databases[3]: \"shop\" is listed twice");
  }

  static List<String> violationsOf(String yaml) {
    DatabaseRestore r = Serialization.unmarshal(yaml, DatabaseRestore.class);
    return DatabaseRestoreValidator.validate(r).stream().map(Violation::toString).toList();
  }

  @Test
  void secretKeysFollowTheSameRuleAsABackups() {
    assertThat(violations("")).isEmpty();
    String ref = "{name: pg-restore, key: password}";
    assertThat(violationsOf(VALID.replace(ref, "{name: pg-restore, key: ../other/password}")))
        .containsExactly(
            "spec.target.passwordSecretRef.key: must be a key of the Secret (letters, digits, '-',"
                + " '_' and '.', at most 253 characters, not '.' or '..'), got"
                + " \"../other/password\"");
    assertThat(violationsOf(VALID.replace(ref, "{name: pg-restore, key: ..}")))
        .singleElement()
        .asString()
        .startsWith("spec.target.passwordSecretRef.key: must be a key of the Secret");
    assertThat(violations("decryption: {passphraseSecretRef: {name: pgp, key: a/b}}"))
        .singleElement()
        .asString()
        .startsWith("spec.decryption.passphraseSecretRef.key: must be a key of the Secret");
  }

  @Test
  void nameNamespaceAndBackupRefAreDnsLabels() {
    String meta = "metadata: {name: orders-db-restore, namespace: shop}";
    assertThat(violationsOf(VALID.replace(meta, "metadata: {name: orders-db-restore}"))).isEmpty();
    assertThat(violationsOf(VALID.replace(meta, "metadata: {name: r, namespace: shop/../x}")))
        .singleElement()
        .asString()
        .startsWith("metadata.namespace: must be a DNS label");
    assertThat(violationsOf(VALID.replace(meta, "metadata: {name: \"../r\", namespace: shop}")))
        .singleElement()
        .asString()
        .startsWith("metadata.name: must be a DNS label");
    assertThat(violationsOf(VALID.replace("{name: orders-db}", "{name: \"../orders-db\"}")))
        .singleElement()
        .asString()
        .startsWith("spec.backupRef.name: must be a DNS label");
  }
}
