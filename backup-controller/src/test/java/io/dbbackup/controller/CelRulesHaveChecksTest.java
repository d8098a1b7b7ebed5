package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.validation.CrdSchema;
import io.dbbackup.api.validation.DatabaseBackupValidator;
import io.dbbackup.api.validation.DatabaseRestoreValidator;
import io.dbbackup.api.validation.Violation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRDs' CEL rules (x-kubernetes-validations) are not evaluated by the runner (CrdSchema covers
 * the structural schema only): each has a hand-written check in the shared validators. This holds
 * the two together: every CEL rule of the generated CRDs has a case here, which the real CEL rule
 * (dev.cel, through CrdSchemaValidator) refuses with the rule's message and the validator refuses
 * at the rule's field. A rule added to the model fails here until it has a case and a check.
 */
class CelRulesHaveChecksTest {
  static final String BASE = ManifestValidationTest.BASE;
  static final String VOLUME = "    volume: {claimName: backups, path: /backup/database}\n";

  static final String RESTORE =
      """
      apiVersion: dbbackup.io/v1alpha1
      kind: DatabaseRestore
      metadata: {name: r1, namespace: shop}
      spec:
        backupRef: {name: orders-db}
        backupId: latest
        target: {host: pg, user: postgres}
      """;

  /** A DatabaseBackup each CEL rule refuses, by the rule's message. */
  static final Map<String, String> BACKUP_CASES =
      Map.of(
          "compression.level must be 1-9 for gzip and 1-19 for zstd",
          BASE + "  compression: {algorithm: gzip, level: 12}\n",
          "encryption: set exactly one of publicKeysSecretRef or passphraseSecretRef",
          BASE + "  encryption: {}\n",
          "encryption.verifyPrivateKeySecretRef goes with publicKeysSecretRef",
          BASE
              + "  encryption: {passphraseSecretRef: {name: p, key: k},"
              + " verifyPrivateKeySecretRef: {name: v, key: k}}\n",
          "channel: set exactly one of email, slack, pagerDuty or webhook",
          BASE + "  notifications: {channels: [{name: a}]}\n",
          "notifications.channels: each channel needs a name of its own",
          BASE
              + "  notifications: {channels: ["
              + "{name: a, slack: {webhookUrlSecretRef: {name: s, key: url}}},"
              + " {name: a, slack: {webhookUrlSecretRef: {name: t, key: url}}}]}\n",
          "s3.kmsKeyId goes with serverSideEncryption aws:kms",
          BASE.replace(VOLUME, "    s3: {bucket: shop-backups, kmsKeyId: alias/backups}\n"),
          "storage: set exactly one of volume or s3",
          BASE.replace(VOLUME, VOLUME + "    s3: {bucket: shop-backups}\n"),
          "incremental: set spec.incremental (chunkKeySecretRef) exactly when type is incremental",
          BASE + "  type: incremental\n");

  /** A DatabaseRestore each CEL rule refuses (transition rules aside: a file has no old value). */
  static final Map<String, String> RESTORE_CASES =
      Map.of(
          "decryption: set exactly one of privateKeySecretRef or passphraseSecretRef",
          RESTORE + "  decryption: {}\n");

  private static List<CrdSchema.CelRule> rules(String crd) {
    return CrdSchema.of(crd).celRules().stream()
        .filter(r -> !r.rule().contains("oldSelf"))
        .toList();
  }

  @Test
  void everyCelRuleOfTheCrdsHasACase() {
    assertThat(rules(CrdSchema.BACKUPS))
        .extracting(CrdSchema.CelRule::message)
        .containsExactlyInAnyOrderElementsOf(BACKUP_CASES.keySet());
    assertThat(rules(CrdSchema.RESTORES))
        .extracting(CrdSchema.CelRule::message)
        .containsExactlyInAnyOrderElementsOf(RESTORE_CASES.keySet());
  }

  @Test
  void eachCaseIsRefusedByTheCelRuleAndByTheValidatorAtTheRulesField() throws IOException {
    ManifestValidationTest.loadCrds();
    List<String> disagreements = new ArrayList<>();
    for (CrdSchema.CelRule rule : rules(CrdSchema.BACKUPS)) {
      String yaml = BACKUP_CASES.get(rule.message());
      List<String> cel = ManifestValidationTest.backups.validate(CrdSchemaValidator.parse(yaml));
      List<Violation> checks =
          DatabaseBackupValidator.validate(Serialization.unmarshal(yaml, DatabaseBackup.class));
      compare(rule, cel, checks, disagreements);
    }
    for (CrdSchema.CelRule rule : rules(CrdSchema.RESTORES)) {
      String yaml = RESTORE_CASES.get(rule.message());
      List<String> cel = ManifestValidationTest.restores.validate(CrdSchemaValidator.parse(yaml));
      List<Violation> checks =
          DatabaseRestoreValidator.validate(Serialization.unmarshal(yaml, DatabaseRestore.class));
      compare(rule, cel, checks, disagreements);
    }
    assertThat(disagreements).isEmpty();
  }

  private static void compare(
      CrdSchema.CelRule rule, List<String> cel, List<Violation> checks, List<String> out) {
    if (cel.stream().noneMatch(m -> m.endsWith(": " + rule.message()))) {
      out.add(rule.message() + ": the CEL rule does not refuse its case, it says " + cel);
    }
    String field =
        rule.path().contains("[]")
            ? rule.path().substring(0, rule.path().indexOf("[]"))
            : rule.path();
    if (checks.stream().noneMatch(v -> v.field().startsWith(field))) {
      out.add(
          rule.message() + ": the validator does not refuse at " + field + ", it says " + checks);
    }
  }
}
