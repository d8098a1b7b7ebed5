package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's Grafana dashboard: off by default; on, a ConfigMap Grafana's sidecar picks up, whose
 * JSON is a dashboard every query of which reads only series the controller's registry serves.
 */
class GrafanaDashboardTest {
  static final Pattern METRIC = Pattern.compile("\\bdbbackup_[a-z_]+");

  static JsonNode configMap(Chart.Rendered rendered) {
    return rendered
        .ofKind("ConfigMap")
        .filter(c -> c.at("/metadata/labels/grafana_dashboard").asText().equals("1"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap labelled grafana_dashboard: \"1\""));
  }

  static JsonNode dashboard() throws IOException {
    JsonNode data =
        configMap(Chart.render(Chart.values("grafanaDashboard.enabled", true))).path("data");
    assertThat(data.size()).isEqualTo(1);
    return new ObjectMapper().readTree(data.elements().next().asText());
  }

  @Test
  void thereIsNoDashboardUnlessAskedFor() {
    assertThat(
            Chart.render()
                .ofKind("ConfigMap")
                .filter(c -> c.at("/metadata/labels").has("grafana_dashboard")))
        .isEmpty();
  }

  @Test
  void theConfigMapCarriesTheSidecarsLabelAndGoesWhereItIsAskedTo() {
    JsonNode cm =
        configMap(
            Chart.render(
                Chart.values(
                    "grafanaDashboard.enabled", true,
                    "grafanaDashboard.namespace", "monitoring",
                    "grafanaDashboard.labels.team", "dba",
                    "grafanaDashboard.annotations.grafana_folder", "Backups")));
    assertThat(cm.at("/metadata/namespace").asText()).isEqualTo("monitoring");
    assertThat(cm.at("/metadata/labels/team").asText()).isEqualTo("dba");
    assertThat(cm.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Backups");
    assertThat(
            configMap(Chart.render(Chart.values("grafanaDashboard.enabled", true)))
                .at("/metadata/namespace")
                .asText())
        .isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void everyPanelQueriesOnlySeriesTheControllerServes() throws IOException {
    JsonNode dashboard = dashboard();
    Set<String> served = PrometheusRulesTest.exported();
    assertThat(served).isNotEmpty();
    JsonNode panels = dashboard.path("panels");
    assertThat(panels.size()).isGreaterThanOrEqualTo(6);
    Set<Integer> ids = new HashSet<>();
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", title).isTrue();
      assertThat(panel.path("gridPos").path("w").asInt()).as("width of %s", title).isPositive();
      assertThat(panel.path("targets").size()).as("queries of %s", title).isPositive();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        List<String> metrics = metrics(expr);
        assertThat(metrics).as("%s: %s names a dbbackup metric", title, expr).isNotEmpty();
        assertThat(served).as("%s: %s", title, expr).containsAll(metrics);
        used.addAll(metrics);
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (variable.path("type").asText().equals("query")) {
        List<String> metrics = metrics(variable.at("/query/query").asText());
        assertThat(metrics).isNotEmpty();
        assertThat(served).containsAll(metrics);
      }
    }
    // The five views: age of the last success, duration, stored size, results, ratio.
    assertThat(used)
        .contains(
            "dbbackup_last_success_timestamp_seconds",
            "dbbackup_last_duration_seconds",
            "dbbackup_last_stored_bytes",
            "dbbackup_runs_total");
    assertThat(panels.findValuesAsText("title"))
        .contains(
            "Age of the last good backup",
            "Duration of the latest run",
            "Stored size",
            "Run results over time",
            "Success ratio (7 days)");
  }

  /**
   * Series without namespace and name (a channel name is per resource, so the same name in two
   * resources adds up): their panels aggregate by channel instead.
   */
  static final Set<String> OPERATOR_WIDE = Set.of("dbbackup_notifications_total");

  @Test
  void failedNotificationsHaveAPanel() throws IOException {
    JsonNode panel = null;
    for (JsonNode p : dashboard().path("panels")) {
      if (p.path("title").asText().equals("Notification deliveries")) {
        panel = p;
      }
    }
    assertThat(panel).as("a panel titled Notification deliveries").isNotNull();
    assertThat(panel.at("/targets/0/expr").asText())
        .contains("dbbackup_notifications_total", "by (channel, event, result)");
  }

  @Test
  void everyQueryIsPerBackupAndFollowsTheVariables() throws IOException {
    JsonNode dashboard = dashboard();
    Set<String> variables = new HashSet<>();
    dashboard.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "namespace", "name");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (OPERATOR_WIDE.containsAll(metrics(expr))) {
          assertThat(expr).as(expr).contains("by (channel");
          continue;
        }
        Matcher selector = Pattern.compile("dbbackup_[a-z_]+\\{([^}]*)}").matcher(expr);
        int selectors = 0;
        while (selector.find()) {
          selectors++;
          assertThat(selector.group(1))
              .as(expr)
              .contains("namespace=~\"$namespace\"", "name=~\"$name\"");
        }
        assertThat(selectors)
            .as("every series in %s is selected", expr)
            .isEqualTo(metrics(expr).size());
        assertThat(expr).as(expr).contains("by (namespace, name");
      }
    }
  }

  static List<String> metrics(String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
