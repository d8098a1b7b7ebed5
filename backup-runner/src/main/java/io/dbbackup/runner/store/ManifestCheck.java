package io.dbbackup.runner.store;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values of a manifest read from storage, checked against its folder before anything acts on
 * them: a writer of the store must not be able to point the runner at another file, give a backup
 * another's place in time, or feed it figures that overflow.
 *
 * <p>Bounds: counts of bytes are 0 to {@link #MAX_BYTES} (1 PiB: far beyond what one pg_dumpall of
 * a cluster this runner can back up in its timeout produces); a compressed file is at most twice
 * its dump plus 1 MiB (gzip and zstd add well under 1% to incompressible data, OpenPGP a few
 * hundred bytes); the start time lies within the second its id names (ids are the start time
 * truncated to the second), the end time not before it.
 */
public final class ManifestCheck {
  public static final long MAX_BYTES = 1L << 50;
  static final long OVERHEAD_BYTES = 1L << 20;
  private static final Pattern FILE = Pattern.compile("dump\\.sql(\\.gz|\\.zst)?(\\.gpg)?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{8,64}");
  private static final Set<String> MODES = Set.of("public-key", "passphrase");
  private static final int MAX_TEXT = 1024;

  private ManifestCheck() {}

  /** Refuses {@code m}, read from {@code folder}'s manifest ({@code where}), unless it is sound. */
  public static Manifest check(Manifest m, BackupId folder, String where) throws ManifestException {
    checkPlace(m, folder, where);
    if (m.encrypted()) {
      checkEncryption(m.encryption(), where);
    }
    checkFile(m, where);
    bytes(m.dumpBytes(), "dumpBytes", where);
    bytes(m.storedBytes(), "storedBytes", where);
    if (!"none".equals(m.compression().algorithm())
        && !m.isIncremental()
        && m.storedBytes() > 2 * m.dumpBytes() + OVERHEAD_BYTES) {
      throw new ManifestException(
          where,
          "storedBytes",
          m.storedBytes()
              + " is implausible for a compressed dump of "
              + m.dumpBytes()
              + " bytes (at most twice that plus 1 MiB)");
    }
    if (!SHA256.matcher(m.sha256()).matches()) {
      throw new ManifestException(where, "sha256", "expected 64 lower-case hex digits");
    }
    if (m.plainSha256() != null && !SHA256.matcher(m.plainSha256()).matches()) {
      throw new ManifestException(where, "plainSha256", "expected 64 lower-case hex digits");
    }
    text(m.serverVersion(), "serverVersion", where);
    text(m.pgDumpVersion(), "pgDumpVersion", where);
    checkDatabases(m, where);
    return m;
  }

  /** The manifest's place: its folder's id, within the second the id names, its format. */
  private static void checkPlace(Manifest m, BackupId folder, String where)
      throws ManifestException {
    if (!folder.value().equals(m.id())) {
      throw new ManifestException(
          where, "id", "\"" + clip(m.id()) + "\" is not its folder's name " + folder);
    }
    if (m.startTime().isBefore(folder.startTime())
        || !m.startTime().isBefore(folder.startTime().plus(Duration.ofSeconds(1)))) {
      throw new ManifestException(
          where,
          "startTime",
          m.startTime() + " is not within the second the id " + folder + " names");
    }
    if (m.endTime().isBefore(m.startTime())) {
      throw new ManifestException(
          where, "endTime", m.endTime() + " is before startTime " + m.startTime());
    }
    if (m.formatVersion() == Manifest.FORMAT_VERSION_UNVERIFIED && !m.verificationFailed()) {
      // Format 2 exists only to keep older runners from taking a failed backup for a good one.
      throw new ManifestException(
          where,
          "formatVersion",
          "2 is written only for a backup that failed verification, but verification.restore.result"
              + " is not \"failed\"");
    }
  }

  private static void checkDatabases(Manifest m, String where) throws ManifestException {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < m.databases().size(); i++) {
      Manifest.DatabaseInfo db = m.databases().get(i);
      String at = "databases[" + i + "]";
      if (db == null) {
        throw new ManifestException(where, at, "missing");
      }
      if (db.name().isEmpty() || db.name().length() > 63 || db.name().indexOf('\0') >= 0) {
        throw new ManifestException(where, at + ".name", "expected a PostgreSQL database name");
      }
      if (!names.add(db.name())) {
        throw new ManifestException(where, at + ".name", "\"" + db.name() + "\" is listed twice");
      }
      bytes(db.sizeBytes(), at + ".sizeBytes", where);
    }
  }

  /** Whether {@code name} is a file name the runner writes for a dump. */
  public static boolean isDumpFileName(String name) {
    return name != null && FILE.matcher(name).matches();
  }

  private static void checkFile(Manifest m, String where) throws ManifestException {
    if (m.isIncremental()) {
      if (!ChunkIndex.FILE_NAME.equals(m.file())
          || !ChunkIndex.FILE_NAME.equals(m.incremental().index())) {
        throw new ManifestException(
            where,
            "file",
            "\"" + clip(m.file()) + "\": an incremental backup's file is " + ChunkIndex.FILE_NAME);
      }
      bytes(m.incremental().referencedBytes(), "incremental.referencedBytes", where);
      if (m.incremental().chunks() < 0
          || m.incremental().newChunks() < 0
          || m.incremental().newChunks() > m.incremental().chunks()) {
        throw new ManifestException(
            where, "incremental.newChunks", "expected 0 to incremental.chunks");
      }
    } else if (!isDumpFileName(m.file())) {
      throw new ManifestException(
          where,
          "file",
          "\""
              + clip(m.file())
              + "\" is not a dump file name (dump.sql, dump.sql.gz or dump.sql.zst, each"
              + " optionally .gpg, in the backup's own folder)");
    }
    CompressionAlgorithm algorithm = algorithm(m.compression(), where);
    String expected = "dump.sql" + algorithm.suffix() + (m.encrypted() ? ".gpg" : "");
    if (!m.isIncremental() && !expected.equals(m.file())) {
      throw new ManifestException(
          where,
          "file",
          "\""
              + m.file()
              + "\" does not match the manifest's compression and encryption (expected "
              + expected
              + ")");
    }
  }

  /** The compression's algorithm, named in lower case, with a level within its range. */
  private static CompressionAlgorithm algorithm(Manifest.Compression c, String where)
      throws ManifestException {
    CompressionAlgorithm algorithm;
    try {
      algorithm = CompressionAlgorithm.valueOf(c.algorithm().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ManifestException(
          where,
          "compression.algorithm",
          "\"" + clip(c.algorithm()) + "\" is not one of gzip, zstd, none");
    }
    if (!algorithm.wireName().equals(c.algorithm())) {
      throw new ManifestException(
          where, "compression.algorithm", "expected " + algorithm.wireName() + " in lower case");
    }
    Integer level = c.level();
    if (level != null
        && algorithm != CompressionAlgorithm.NONE
        && (level < algorithm.minLevel() || level > algorithm.maxLevel())) {
      throw new ManifestException(
          where,
          "compression.level",
          level
              + " is outside "
              + algorithm.wireName()
              + "'s "
              + algorithm.minLevel()
              + " to "
              + algorithm.maxLevel());
    }
    return algorithm;
  }

  private static void checkEncryption(Manifest.Encryption e, String where)
      throws ManifestException {
    if (!MODES.contains(e.mode())) {
      throw new ManifestException(
          where,
          "encryption.mode",
          "\"" + clip(e.mode()) + "\" is not one of public-key, passphrase");
    }
    hexList(e.recipients(), "encryption.recipients", where);
    hexList(e.keyIds(), "encryption.keyIds", where);
  }

  private static void hexList(java.util.List<String> values, String field, String where)
      throws ManifestException {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || !HEX.matcher(values.get(i)).matches()) {
        throw new ManifestException(where, field + "[" + i + "]", "expected hex digits");
      }
    }
  }

  private static void bytes(long value, String field, String where) throws ManifestException {
    if (value < 0 || value > MAX_BYTES) {
      throw new ManifestException(
          where, field, value + " is outside 0 to " + MAX_BYTES + " (1 PiB)");
    }
  }

  private static void text(String value, String field, String where) throws ManifestException {
    if (value != null && value.length() > MAX_TEXT) {
      throw new ManifestException(where, field, "longer than " + MAX_TEXT + " characters");
    }
  }

  private static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
