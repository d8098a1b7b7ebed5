package io.dbbackup.api.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The one log layout of the runner and the controller: one line per event, {@code key=value}
 * (default) or JSON, chosen by DBBACKUP_LOG_FORMAT (or the runner's {@code --log-format}). Events
 * marked {@link #AUDIT} print level AUDIT. Fields: ts, level, logger, the context (MDC entries, see
 * {@link #setMdc}), the event's key-values, msg; a stack trace follows errors.
 */
public final class EventLayout extends LayoutBase<ILoggingEvent> {
  /** The marker of AUDIT lines (backups created and deleted). */
  public static final Marker AUDIT = MarkerFactory.getMarker("AUDIT");

  /** The runner's context: the run's MDC (backup, backup_id, phase) first, then any other. */
  public static final String RUNNER_CONTEXT = "backup,backup_id,phase,*";

  private static volatile boolean json =
      "json".equalsIgnoreCase(System.getenv("DBBACKUP_LOG_FORMAT"));

  /** Each context field: the name printed and the MDC key read; {@code *} is every other key. */
  private record Field(String name, String mdcKey) {}

  private List<Field> mdcFields = parse(RUNNER_CONTEXT);
  private boolean otherMdc = true;

  /** Switches every EventLayout between JSON and key=value output. */
  public static void useJson(boolean enabled) {
    json = enabled;
  }

  /**
   * Which MDC entries each line carries, in order: comma-separated {@code key} or {@code name=key}
   * (printed as {@code name}), and {@code *} for every other entry. Default {@value
   * #RUNNER_CONTEXT}; the controller's is {@code namespace=resource.namespace,name=resource.name}
   * (JOSDK's MDC).
   */
  public void setMdc(String spec) {
    this.mdcFields = parse(spec);
    this.otherMdc = mdcFields.stream().anyMatch(f -> f.mdcKey().equals("*"));
  }

  private static List<Field> parse(String spec) {
    List<Field> fields = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      fields.add(eq < 0 ? new Field(e, e) : new Field(e.substring(0, eq), e.substring(eq + 1)));
    }
    return List.copyOf(fields);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    boolean audit = event.getMarkerList() != null && event.getMarkerList().contains(AUDIT);
    fields.put("level", audit ? "AUDIT" : event.getLevel().toString());
    String logger = event.getLoggerName();
    fields.put("logger", logger.substring(logger.lastIndexOf('.') + 1));
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (Field f : mdcFields) {
      if (mdc.containsKey(f.mdcKey())) {
        fields.put(f.name(), mdc.get(f.mdcKey()));
      }
    }
    if (otherMdc) {
      mdc.forEach(fields::putIfAbsent);
    }
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
