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
}
