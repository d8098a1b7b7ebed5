package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.Manifest;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored size one backup is expected to have, and what the figure rests on ({@code basis},
 * quoted in the space check's log line and refusals): spec.expectedSizeMiB, the last good backup's
 * stored size when it is plausible, or the user databases' pg_database_size compressed as the seed
 * expects. Owns the plausibility bound and the saturating arithmetic on these figures.
 */
record SpaceEstimate(long bytes, String basis) {
  /** The space check's logger: its log lines name SpaceCheck, as they always did. */
  private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);

  static final double COMPRESSED_FRACTION = 0.3;

  /** Databases every cluster has, which hold no user data worth counting. */
  static final Set<String> SYSTEM_DATABASES = Set.of("postgres", "template1");

  /** The user's figure wins: spec.expectedSizeMiB. */
  static SpaceEstimate fromExpectedSize(long expectedSizeMiB) {
    return new SpaceEstimate(
        saturatingMultiply(expectedSizeMiB, 1L << 20), "spec.expectedSizeMiB: " + expectedSizeMiB);
  }

  /** The last good backup's stored size when it is plausible, else the database-size estimate. */
  static SpaceEstimate fromLastBackup(
      Optional<Manifest> last, ServerInfo server, CompressionAlgorithm algorithm) {
    if (last.isEmpty()) {
      return fromDatabaseSize(server, algorithm);
    }
    Manifest m = last.get();
    long plausible = plausibleStoredBytes(server);
    if (m.storedBytes() < 0 || m.storedBytes() > plausible) {
      SpaceEstimate fallback = fromDatabaseSize(server, algorithm);
      LOG.atWarn()
          .addKeyValue("event", "implausible_size_ignored")
          .addKeyValue("backup_id", m.id())
          .addKeyValue("stored_bytes", m.storedBytes())
          .addKeyValue("plausible_bytes", plausible)
          .log(
              "the last good backup's manifest claims an implausible stored size; it is ignored"
                  + " and the estimate comes from the database size");
      return new SpaceEstimate(
          fallback.bytes(),
          fallback.basis()
              + "; the last good backup "
              + m.id()
              + " claims "
              + m.storedBytes()
              + " bytes, which is implausible and ignored");
    }
    return new SpaceEstimate(m.storedBytes(), "last good backup " + m.id());
  }

  /**
   * The user databases' data, compressed as the seed expects: each one's pg_database_size less what
   * an empty database (template1) occupies, so catalogs of a small cluster do not count 17x.
   */
  static SpaceEstimate fromDatabaseSize(ServerInfo server, CompressionAlgorithm algorithm) {
    double fraction = algorithm == CompressionAlgorithm.NONE ? 1.0 : COMPRESSED_FRACTION;
    long empty =
        server.databases().stream()
            .filter(d -> d.name().equals("template1"))
            .mapToLong(Manifest.DatabaseInfo::sizeBytes)
            .findFirst()
            .orElse(0);
    var user =
        server.databases().stream().filter(d -> !SYSTEM_DATABASES.contains(d.name())).toList();
    long data =
        user.stream().mapToLong(d -> Math.max(0, d.sizeBytes() - empty)).reduce(0, Long::sum);
    long globals = SpaceCheck.GLOBALS_BYTES;
    long bytes = (long) Math.min(Long.MAX_VALUE - globals, data * fraction) + globals;
    String basis =
        "pg_database_size x "
            + fraction
            + " of the user databases ("
            + (user.isEmpty()
                ? "none"
                : user.stream().map(Manifest.DatabaseInfo::name).collect(Collectors.joining(", ")))
            + (empty > 0 ? ", less " + Sizes.human(empty) + " an empty database occupies" : "")
            + ") plus "
            + Sizes.human(globals)
            + " for roles and schema";
    return new SpaceEstimate(bytes, basis);
  }

  /**
   * The largest stored size a backup of {@code server} can plausibly have had: 4x the cluster's
   * pg_database_size plus 1 GiB (even an uncompressed dump of bytea in hex, or of data TOAST had
   * compressed, stays well below).
   */
  static long plausibleStoredBytes(ServerInfo server) {
    long total = Math.max(0, server.totalDatabaseBytes());
    long plausible = saturatingMultiply(total, 4);
    return plausible > Long.MAX_VALUE - (1L << 30) ? Long.MAX_VALUE : plausible + (1L << 30);
  }

  /** {@code factor} times the estimate, {@link Long#MAX_VALUE} when that overflows. */
  long times(long factor) {
    return saturatingMultiply(bytes, factor);
  }

  static long saturatingMultiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
