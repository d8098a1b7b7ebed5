package io.dbbackup.runner.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code manifest.json}: written last, the commit marker of a backup. A folder without it is not a
 * backup. Unknown fields are ignored so older runners can read newer manifests. {@code
 * auditChainHead} ({@code <seq>:<row_hash>}, optional) is the newest backup_audit row when the
 * manifest was written: a copy of the chain's head outside the database, so deleted rows show.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    int formatVersion,
    String id,
    Resource resource,
    Instant startTime,
    Instant endTime,
    String serverVersion,
    String pgDumpVersion,
    List<DatabaseInfo> databases,
    String file,
    long dumpBytes,
    long storedBytes,
    String sha256,
    String plainSha256,
    Compression compression,
    Encryption encryption,
    Verification verification,
    String auditChainHead) {

  public static final String FILE_NAME = "manifest.json";
  public static final int FORMAT_VERSION = 1;

  /** The DatabaseBackup this backup belongs to. */
  public record Resource(String namespace, String name, String uid) {}

  /** One database of the cluster at dump time. */
  public record DatabaseInfo(String name, long sizeBytes) {}

  /** Compression of the stored file. */
  public record Compression(String algorithm, Integer level) {}

  /**
   * OpenPGP encryption: mode (public-key | passphrase), the recipients' primary-key fingerprints,
   * and the key ids the file's session key packets name (the encryption subkeys), which a later
   * verify checks the file against even after the keys have been rotated.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Encryption(String mode, List<String> recipients, List<String> keyIds) {}

  /** The verification done before the manifest was written. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Verification(boolean verified, String mode, Instant at, String message) {}

  /** A manifest without an audit chain head (history off or unreachable, or an older runner). */
  public Manifest(
      int formatVersion,
      String id,
      Resource resource,
      Instant startTime,
      Instant endTime,
      String serverVersion,
      String pgDumpVersion,
      List<DatabaseInfo> databases,
      String file,
      long dumpBytes,
      long storedBytes,
      String sha256,
      String plainSha256,
      Compression compression,
      Encryption encryption,
      Verification verification) {
    this(
        formatVersion,
        id,
        resource,
        startTime,
        endTime,
        serverVersion,
        pgDumpVersion,
        databases,
        file,
        dumpBytes,
        storedBytes,
        sha256,
        plainSha256,
        compression,
        encryption,
        verification,
        null);
  }

  public BackupId backupId() {
    return BackupId.parse(id)
        .orElseThrow(() -> new IllegalStateException("manifest has a malformed id: " + id));
  }

  public boolean encrypted() {
    return encryption != null;
  }

  public boolean verified() {
    return verification != null && verification.verified();
  }

  public Duration duration() {
    return Duration.between(startTime, endTime);
  }

  /** The checksum file's name, next to the dump. */
  public String checksumFile() {
    return file + ".sha256";
  }
}
