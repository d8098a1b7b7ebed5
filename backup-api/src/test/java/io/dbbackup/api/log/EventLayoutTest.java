package io.dbbackup.api.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class EventLayoutTest {
  final LoggerContext context = new LoggerContext();
  final Logger logger = context.getLogger("io.dbbackup.runner.backup.BackupRun");

  LoggingEvent event(String msg, boolean audit) {
    LoggingEvent e = new LoggingEvent("x", logger, Level.INFO, msg, null, null);
    e.setKeyValuePairs(
        new java.util.ArrayList<>(
            List.of(
                new KeyValuePair("event", "summary"),
                new KeyValuePair("location", "/backup/my dir"),
                new KeyValuePair("bytes", 42L),
                new KeyValuePair("level", "overridden?"))));
    e.setMDCPropertyMap(Map.of("backup", "shop/orders", "backup_id", "20261124T020000Z-7f3a"));
    if (audit) {
      e.addMarker(EventLayout.AUDIT);
    }
    return e;
  }

  @AfterEach
  void reset() {
    EventLayout.useJson(false);
  }

  @Test
  void keyValueLinesQuoteValuesThatNeedItAndKeepReservedKeys() {
    String line = new EventLayout().doLayout(event("backup \"done\"", false));
    assertThat(line)
        .startsWith("ts=")
        .contains(" level=INFO logger=BackupRun backup=shop/orders backup_id=20261124T020000Z-7f3a")
        .contains(" event=summary location=\"/backup/my dir\" bytes=42 ")
        .contains("msg=\"backup \\\"done\\\"\"")
        .doesNotContain("overridden")
        .endsWith("\n");
    assertThat(line.lines()).hasSize(1);
  }

  @Test
  void auditEventsPrintLevelAudit() {
    assertThat(new EventLayout().doLayout(event("backup created", true))).contains(" level=AUDIT ");
  }

  @Test
  void jsonLinesParseAsJson() throws Exception {
    EventLayout.useJson(true);
    String line = new EventLayout().doLayout(event("a\nb", false));
    Map<?, ?> parsed = new ObjectMapper().readValue(line, Map.class);
    assertThat(parsed.get("msg")).isEqualTo("a\nb");
    assertThat(parsed.get("bytes")).isEqualTo(42);
    assertThat(parsed.get("backup")).isEqualTo("shop/orders");
    assertThat(line.strip().lines()).hasSize(1);
  }

  @Test
  void theControllerContextNamesTheResourceFromJosdksMdc() {
    LoggingEvent e =
        new LoggingEvent(
            "x",
            context.getLogger("io.dbbackup.controller.DatabaseBackupReconciler"),
            Level.WARN,
            "refusing spec",
            null,
            null);
    e.setMDCPropertyMap(
        Map.of("resource.namespace", "shop", "resource.name", "orders-db", "resource.uid", "u-1"));
    EventLayout layout = new EventLayout();
    layout.setMdc("namespace=resource.namespace,name=resource.name");
    String line = layout.doLayout(e);
    assertThat(line)
        .startsWith("ts=")
        .contains(
            " level=WARN logger=DatabaseBackupReconciler namespace=shop name=orders-db"
                + " msg=\"refusing spec\"")
        .doesNotContain("resource.")
        .doesNotContain("u-1");
  }
}
