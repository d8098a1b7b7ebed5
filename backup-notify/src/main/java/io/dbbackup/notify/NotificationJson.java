package io.dbbackup.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The generic webhook body (DESIGN "Notifications", version 1) and the JSON the senders write. */
public final class NotificationJson {
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private NotificationJson() {}

  /** The webhook body as a map, fields in the documented order. */
  public static Map<String, Object> body(Notification n) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", VERSION);
    body.put("event", n.event().name());
    body.put("severity", severity(n.severity()));
    body.put("occurredAt", timestamp(n.occurredAt()));
    Map<String, Object> resource = new LinkedHashMap<>();
    ResourceRef r = n.resource();
    if (r != null) {
      resource.put("kind", r.kind());
      resource.put("namespace", r.namespace());
      resource.put("name", r.name());
      resource.put("uid", r.uid());
    }
    body.put("resource", resource);
    body.put("backupId", n.backupId());
    body.put("summary", n.summary());
    body.put("details", details(n));
    return body;
  }

  /** The webhook body as UTF-8 JSON bytes: what is signed and sent. */
  public static byte[] bodyBytes(Notification n) {
    return write(body(n));
  }

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("notification not serialisable as JSON", e);
    }
  }

  /** Lower-case, as PagerDuty and the webhook body spell it. */
  static String severity(Severity s) {
    return (s == null ? Severity.ERROR : s).name().toLowerCase(Locale.ROOT);
  }

  /** ISO-8601 UTC to the second, e.g. 2026-11-24T02:03:11Z. */
  static String timestamp(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The details with values JSON can carry as they are: numbers, text, booleans, lists, maps. */
  static Map<String, Object> details(Notification n) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (n.details() != null) {
      n.details().forEach((k, v) -> out.put(k, plain(v)));
    }
    return out;
  }

  private static Object plain(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof Instant t) {
      return timestamp(t);
    }
    if (v instanceof TemporalAccessor || v instanceof Enum<?>) {
      return v.toString();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      return c.stream().map(NotificationJson::plain).toList();
    }
    return v.toString();
  }

  /** A details value as one line of text (for Slack and mail). */
  static String text(Object v) {
    Object p = plain(v);
    if (p instanceof Map<?, ?> || p instanceof List<?>) {
      return new String(write(p), java.nio.charset.StandardCharsets.UTF_8);
    }
    return String.valueOf(p);
  }
}
