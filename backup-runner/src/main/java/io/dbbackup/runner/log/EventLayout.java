package io.dbbackup.runner.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One line per event: {@code key=value} (default) or JSON, chosen by DBBACKUP_LOG_FORMAT or {@code
 * --log-format}. Audit events print level AUDIT. Fields: ts, level, logger, the run's MDC (backup,
 * backup_id, phase), the event's key-values, msg; a stack trace follows errors.
 */
public final class EventLayout extends LayoutBase<ILoggingEvent> {
  private static final java.util.List<String> MDC_ORDER =
      java.util.List.of("backup", "backup_id", "phase");
  private static volatile boolean json =
      "json".equalsIgnoreCase(System.getenv("DBBACKUP_LOG_FORMAT"));

  /** Switches every EventLayout between JSON and key=value output. */
  public static void useJson(boolean enabled) {
    json = enabled;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    boolean audit = event.getMarkerList() != null && event.getMarkerList().contains(AuditLog.AUDIT);
    fields.put("level", audit ? "AUDIT" : event.getLevel().toString());
    String logger = event.getLoggerName();
    fields.put("logger", logger.substring(logger.lastIndexOf('.') + 1));
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (String key : MDC_ORDER) {
      if (mdc.containsKey(key)) {
        fields.put(key, mdc.get(key));
      }
    }
    mdc.forEach(fields::putIfAbsent);
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        if (kv.value != null) {
          // an event's own fields never replace ts, level, logger or the run's context
          fields.putIfAbsent(kv.key, kv.value);
        }
      }
    }
    fields.put("msg", event.getFormattedMessage());
    IThrowableProxy error = event.getThrowableProxy();
    return json ? toJson(fields, error) : toKeyValue(fields, error);
  }

  private static String toKeyValue(Map<String, Object> fields, IThrowableProxy error) {
    StringBuilder sb = new StringBuilder(256);
    fields.forEach(
        (k, v) -> {
          if (!sb.isEmpty()) {
            sb.append(' ');
          }
          sb.append(k).append('=');
          appendKvValue(sb, String.valueOf(v));
        });
    if (error != null) {
      sb.append(" exception=");
      appendKvValue(sb, error.getClassName() + ": " + error.getMessage());
      sb.append(CoreConstants.LINE_SEPARATOR).append(ThrowableProxyUtil.asString(error));
    }
    return sb.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static void appendKvValue(StringBuilder sb, String v) {
    boolean plain = !v.isEmpty();
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
    }
    if (plain) {
      sb.append(v);
    } else {
      sb.append('"');
      escape(sb, v);
      sb.append('"');
    }
  }

  private static String toJson(Map<String, Object> fields, IThrowableProxy error) {
    StringBuilder sb = new StringBuilder(256).append('{');
    fields.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(',');
          }
          sb.append('"');
          escape(sb, k);
          sb.append("\":");
          if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
          } else {
            sb.append('"');
            escape(sb, String.valueOf(v));
            sb.append('"');
          }
        });
    if (error != null) {
      sb.append(",\"exception\":\"");
      escape(sb, ThrowableProxyUtil.asString(error));
      sb.append('"');
    }
    return sb.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
  }
}
