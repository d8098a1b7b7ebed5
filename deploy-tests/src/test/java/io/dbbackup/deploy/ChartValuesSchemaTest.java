package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json refuses wrong values before anything is rendered, and Helm's message names the
 * value and the rule it breaks.
 */
class ChartValuesSchemaTest {
  static final String PREFIX =
      "values don't meet the specifications of the schema(s) in the following chart(s):\n"
          + "dbbackup-operator:\n";

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          replicaCount                     | -1        | - at '/replicaCount': minimum: got -1, want 0
          replicas                         | 2         | - at '': additional properties 'replicas' not allowed
          metrics.port                     | 80        | - at '/metrics/port': minimum: got 80, want 1,024
          image.runner.digest              | sha256:xy | - at '/image/runner/digest': 'sha256:xy' does not match pattern '^(sha256:[a-f0-9]{64})?$'
          image.controller.pullPolicy      | Sometimes | - at '/image/controller/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
          watch.namespaces[0]              | Shop      | - at '/watch/namespaces/0': 'Shop' does not match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
          logLevel                         | verbose   | - at '/logLevel': value must be one of 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'
          leaderElection.enabled           | yes       | - at '/leaderElection/enabled': got string, want boolean
          metrics.prometheusRule.tooOldFactor | 1      | - at '/metrics/prometheusRule/tooOldFactor': exclusiveMinimum: got 1, want 1
          metrics.prometheusRule.successRatio | 2      | - at '/metrics/prometheusRule/successRatio': maximum: got 2, want 1
          metrics.prometheusRule.successRatioWindow | a week | - at '/metrics/prometheusRule/successRatioWindow': 'a week' does not match pattern '^([0-9]+(ms|s|m|h|d|w|y))+$'
          metrics.serviceMonitor.interval  | 30        | - at '/metrics/serviceMonitor/interval': got number, want string
          """)
  void wrongValueIsRefusedWithItsPathAndRule(String key, String value, String message) {
    assertThatThrownBy(() -> Chart.template(Map.of(key, value)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(PREFIX + message);
  }

  @org.junit.jupiter.api.Test
  void anExistingServiceAccountMustBeNamed() {
    assertThatThrownBy(() -> Chart.template(Map.of("serviceAccount.create", false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is"
                + " false");
  }
}
