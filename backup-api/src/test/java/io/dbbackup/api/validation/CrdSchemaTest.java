package io.dbbackup.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class CrdSchemaTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode yaml(String s) throws Exception {
    return YAML.readTree(s);
  }

  @Test
  void wrongValuesAreRemovedAndTheRestKept() throws Exception {
    CrdSchema.Result r =
        CrdSchema.of(CrdSchema.BACKUPS)
            .check(
                yaml(
                    """
                    apiVersion: dbbackup.io/v1alpha1
                    kind: DatabaseBackup
                    metadata: {name: a, labels: {x: y}}
                    spec:
                      retries: 50
                      retention: {days: 1.0, minKeep: ~}
                      storage: {volume: {path: relative}}
                    """));
    assertThat(r.removed())
        .extracting(Violation::toString)
        .containsExactly("spec.retries: must be 0-10, got 50");
    assertThat(r.removedFields()).containsExactly("spec.retries");
    assertThat(r.kept())
        .extracting(Violation::toString)
        .containsExactly(
            "spec.storage.volume.path: must match the pattern ^/.*, got \"relative\"",
            "spec.database: must be set");
    assertThat(r.valid().at("/spec/retries").isMissingNode()).isTrue();
    assertThat(r.valid().at("/spec/retention/days").isIntegralNumber()).isTrue();
    assertThat(r.valid().at("/spec/retention").has("minKeep")).isFalse();
    assertThat(r.valid().at("/metadata/labels/x").asText()).isEqualTo("y");
  }

  @Test
  void theCelRulesAreListedWithTheirPlace() {
    assertThat(CrdSchema.of(CrdSchema.BACKUPS).celRules())
        .extracting(CrdSchema.CelRule::path)
        .contains("spec.storage", "spec.notifications.channels[]");
  }
}
