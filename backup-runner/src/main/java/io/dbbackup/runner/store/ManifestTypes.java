package io.dbbackup.runner.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON types of a manifest's fields, checked on the tree before any is converted (no string for
 * a number, no fraction for a count); {@link ManifestCheck} then checks the values.
 */
final class ManifestTypes {
  private ManifestTypes() {}

  /**
   * The types of the fields the runner acts on, before any is converted: the format version first,
   * so a newer format is named as such rather than as a field of an unexpected shape.
   */
  static void check(JsonNode m, String where, int readVersion) throws ManifestException {
    formatVersion(m, where, readVersion);
    text(required(m, "id", where), "id", where);
    time(required(m, "startTime", where), "startTime", where);
    time(required(m, "endTime", where), "endTime", where);
    text(required(m, "file", where), "file", where);
    count(required(m, "dumpBytes", where), "dumpBytes", where);
    count(required(m, "storedBytes", where), "storedBytes", where);
    text(required(m, "sha256", where), "sha256", where);
    optionalText(m, "plainSha256", where);
    optionalText(m, "serverVersion", where);
    optionalText(m, "pgDumpVersion", where);
    compression(required(m, "compression", where), where);
    JsonNode encryption = m.get("encryption");
    if (encryption != null && !encryption.isNull()) {
      object(encryption, "encryption", where);
      text(required(encryption, "mode", "encryption.", where), "encryption.mode", where);
      optionalTexts(encryption, "recipients", "encryption.recipients", where);
      optionalTexts(encryption, "keyIds", "encryption.keyIds", where);
    }
    databases(required(m, "databases", where), where);
    JsonNode verification = m.get("verification");
    if (verification != null && !verification.isNull()) {
      verification(verification, where);
    }
    JsonNode content = m.get("content");
    if (content != null && !content.isNull()) {
      content(content, where);
    }
  }

  private static void formatVersion(JsonNode m, String where, int readVersion)
      throws ManifestException {
    JsonNode version = required(m, "formatVersion", where);
    if (!version.isIntegralNumber() || !version.canConvertToInt()) {
      throw new ManifestException(where, "formatVersion", "expected an integer, got " + version);
    }
    if (version.intValue() > readVersion) {
      throw new ManifestException(
          where,
          "formatVersion",
          version.intValue()
              + " is newer than this runner reads ("
              + readVersion
              + "); use a runner of the version that wrote it");
    }
    if (version.intValue() < 1) {
      throw new ManifestException(
          where, "formatVersion", "expected 1 to " + readVersion + ", got " + version);
    }
  }

  private static void compression(JsonNode compression, String where) throws ManifestException {
    object(compression, "compression", where);
    text(required(compression, "algorithm", "compression.", where), "compression.algorithm", where);
    JsonNode level = compression.get("level");
    if (level != null
        && !level.isNull()
        && !(level.isIntegralNumber() && level.canConvertToInt())) {
      throw new ManifestException(where, "compression.level", "expected an integer, got " + level);
    }
  }

  private static void databases(JsonNode databases, String where) throws ManifestException {
    array(databases, "databases", where);
    for (int i = 0; i < databases.size(); i++) {
      String at = "databases[" + i + "]";
      JsonNode db = databases.get(i);
      named(db, at, where);
      optionalCount(db, "sizeBytes", at, where);
    }
  }

  private static void verification(JsonNode verification, String where) throws ManifestException {
    object(verification, "verification", where);
    JsonNode verified = verification.get("verified");
    if (verified != null && !verified.isBoolean()) {
      throw new ManifestException(
          where, "verification.verified", "expected true or false, got " + verified);
    }
    JsonNode restore = verification.get("restore");
    if (restore != null && !restore.isNull()) {
      restore(restore, where);
    }
  }

  private static void restore(JsonNode r, String where) throws ManifestException {
    String at = "verification.restore";
    object(r, at, where);
    text(required(r, "source", at + ".", where), at + ".source", where);
    JsonNode result = required(r, "result", at + ".", where);
    text(result, at + ".result", where);
    if (!Manifest.Restore.PASSED.equals(result.textValue())
        && !Manifest.Restore.FAILED.equals(result.textValue())) {
      throw new ManifestException(
          where, at + ".result", "expected passed or failed, got " + result);
    }
    for (String f : new String[] {"databases", "roles", "tables", "rows", "largeObjects"}) {
      JsonNode n = r.get(f);
      if (n != null && !n.isNull()) {
        count(n, at + "." + f, where);
        if (n.longValue() < 0) {
          throw new ManifestException(where, at + "." + f, "must not be negative, got " + n);
        }
      }
    }
    JsonNode seconds = r.get("durationSeconds");
    if (seconds != null && !seconds.isNull() && !seconds.isNumber()) {
      throw new ManifestException(
          where, at + ".durationSeconds", "expected a number, got " + kind(seconds));
    }
    optionalText(r, "error", where);
  }

  /** The dump's counted content: roles (strings), databases with tables {name, rows}. */
  private static void content(JsonNode c, String where) throws ManifestException {
    object(c, "content", where);
    optionalTexts(c, "roles", "content.roles", where);
    JsonNode dbs = required(c, "databases", "content.", where);
    array(dbs, "content.databases", where);
    for (int i = 0; i < dbs.size(); i++) {
      String at = "content.databases[" + i + "]";
      JsonNode db = dbs.get(i);
      named(db, at, where);
      optionalCount(db, "largeObjects", at, where);
      JsonNode tables = required(db, "tables", at + ".", where);
      array(tables, at + ".tables", where);
      for (int j = 0; j < tables.size(); j++) {
        String t = at + ".tables[" + j + "]";
        named(tables.get(j), t, where);
        JsonNode rows = required(tables.get(j), "rows", t + ".", where);
        count(rows, t + ".rows", where);
        if (rows.longValue() < 0) {
          throw new ManifestException(where, t + ".rows", "must not be negative, got " + rows);
        }
      }
    }
  }

  /** {@code n}, at {@code at}, is an object with a text {@code name}. */
  private static void named(JsonNode n, String at, String where) throws ManifestException {
    object(n, at, where);
    text(required(n, "name", at + ".", where), at + ".name", where);
  }

  /** {@code parent}'s {@code field}, where there is one, is a count. */
  private static void optionalCount(JsonNode parent, String field, String at, String where)
      throws ManifestException {
    JsonNode n = parent.get(field);
    if (n != null) {
      count(n, at + "." + field, where);
    }
  }

  private static JsonNode required(JsonNode parent, String field, String where)
      throws ManifestException {
    return required(parent, field, "", where);
  }

  private static JsonNode required(JsonNode parent, String field, String prefix, String where)
      throws ManifestException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw new ManifestException(where, prefix + field, "missing");
    }
    return n;
  }

  private static void text(JsonNode n, String field, String where) throws ManifestException {
    if (!n.isTextual()) {
      throw new ManifestException(where, field, "expected a string, got " + kind(n));
    }
  }

  private static void optionalText(JsonNode parent, String field, String where)
      throws ManifestException {
    JsonNode n = parent.get(field);
    if (n != null && !n.isNull()) {
      text(n, field, where);
    }
  }

  private static void optionalTexts(JsonNode parent, String name, String field, String where)
      throws ManifestException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isArray()) {
      throw new ManifestException(where, field, "expected an array of strings, got " + kind(n));
    }
    for (int i = 0; i < n.size(); i++) {
      text(n.get(i), field + "[" + i + "]", where);
    }
  }

  private static void object(JsonNode n, String field, String where) throws ManifestException {
    if (!n.isObject()) {
      throw new ManifestException(where, field, "expected an object, got " + kind(n));
    }
  }

  private static void array(JsonNode n, String field, String where) throws ManifestException {
    if (!n.isArray()) {
      throw new ManifestException(where, field, "expected an array, got " + kind(n));
    }
  }

  private static void count(JsonNode n, String field, String where) throws ManifestException {
    if (!n.isIntegralNumber()) {
      throw new ManifestException(where, field, "expected a whole number, got " + kind(n));
    }
    if (!n.canConvertToLong()) {
      throw new ManifestException(where, field, "out of range: " + n);
    }
  }

  private static void time(JsonNode n, String field, String where) throws ManifestException {
    if (!n.isTextual()) {
      throw new ManifestException(where, field, "expected an RFC 3339 time, got " + kind(n));
    }
    try {
      Instant.parse(n.textValue());
    } catch (DateTimeParseException e) {
      throw new ManifestException(
          where, field, "expected an RFC 3339 time, got \"" + n.textValue() + "\"");
    }
  }

  private static String kind(JsonNode n) {
    String type = n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    String shown = n.toString();
    return type + (shown.length() > 40 ? "" : " " + shown);
  }
}
