package io.dbbackup.runner.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.dbbackup.runner.pipeline.DumpContent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code manifest.json}: written last, the commit marker of a backup. A folder without it is not a
 * backup. Unknown fields are ignored so older runners can read newer manifests. {@code
 * auditChainHead} ({@code <seq>:<row_hash>}, optional) is the newest backup_audit row when the
 * manifest was written: a copy of the chain's head outside the database, so deleted rows show.
 * {@code content} (optional, with verification by restore): the roles, databases and per-table COPY
 * rows counted in the dump stream while it was written, which a later {@code verify --restore}
 * compares the restored backup with. Every addition is optional, so older manifests read as before.
 *
 * <p>{@code formatVersion}: 1 for every backup ({@link #FORMAT_VERSION}) except one that failed
 * verification by restore, whose manifest is format 2 ({@link #FORMAT_VERSION_UNVERIFIED}). A
 * runner older than verification by restore ignores {@code verification} and would take such a
 * backup for a good one; it refuses a format newer than 1 instead, so for it the folder is
 * unreadable: kept, never the latest ({@code latest} is refused while it is the newest folder), and
 * retention deletes nothing while it is there. This runner reads both ({@link #READ_VERSION}).
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
    String auditChainHead,
    DumpContent.Summary content,
    Incremental incremental) {

  public static final String FILE_NAME = "manifest.json";

  /** The format of a manifest of a backup that did not fail verification. */
  public static final int FORMAT_VERSION = 1;

  /**
   * The format of a manifest of a backup that failed verification by restore: the same fields, a
   * version runners that read only format 1 refuse, so none of them counts the backup as good.
   */
  public static final int FORMAT_VERSION_UNVERIFIED = 2;

  /** The newest format this runner reads. */
  public static final int READ_VERSION = FORMAT_VERSION_UNVERIFIED;

  /** The format a manifest with {@code verification} is written in. */
  public static int formatVersionFor(Verification verification) {
    return failed(verification) ? FORMAT_VERSION_UNVERIFIED : FORMAT_VERSION;
  }

  /**
   * An incremental backup ({@code type: incremental}): {@code file} is the chunk index ({@code
   * index.json}) and {@code sha256} its SHA-256; {@code storedBytes} is what this run added to the
   * chunk store; {@code chunks} the chunks the index names, {@code newChunks} those this run
   * stored, {@code referencedBytes} the stored bytes of every chunk the index names.
   */
  public record Incremental(String index, long chunks, long newChunks, long referencedBytes) {}

  /** Whether this is an incremental backup: a chunk index instead of one dump file. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isIncremental() {
    return incremental != null;
  }

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

  /**
   * The verification done before the manifest was written; {@code restore}: what verification by
   * restore found (mode {@code restore}), absent for other modes and in older manifests.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Verification(
      boolean verified, String mode, Instant at, String message, Restore restore) {
    public Verification(boolean verified, String mode, Instant at, String message) {
      this(verified, mode, at, message, null);
    }
  }

  /**
   * Verification by restore: {@code source} storage (the stored object read back and restored) or
   * stream; {@code result} passed or failed; the counts the dump held; {@code error} the first
   * restore error or the counts that differ.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Restore(
      String source,
      String result,
      int databases,
      int roles,
      int tables,
      long rows,
      long largeObjects,
      double durationSeconds,
      String error) {
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
  }

  /**
   * Whether verification by restore failed: the backup is kept for inspection but never counts as a
   * good one (retention, latest).
   */
  public boolean verificationFailed() {
    return failed(verification);
  }

  private static boolean failed(Verification verification) {
    return verification != null
        && verification.restore() != null
        && Restore.FAILED.equals(verification.restore().result());
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

  /** A manifest built field by field; what is not set is absent (null, or 0 for a count). */
  public static ManifestBuilder builder() {
    return new ManifestBuilder();
  }

  /** A builder holding this manifest's fields, to change some of them. */
  public ManifestBuilder toBuilder() {
    return new ManifestBuilder()
        .formatVersion(formatVersion)
        .id(id)
        .resource(resource)
        .startTime(startTime)
        .endTime(endTime)
        .serverVersion(serverVersion)
        .pgDumpVersion(pgDumpVersion)
        .databases(databases)
        .file(file)
        .dumpBytes(dumpBytes)
        .storedBytes(storedBytes)
        .sha256(sha256)
        .plainSha256(plainSha256)
        .compression(compression)
        .encryption(encryption)
        .verification(verification)
        .auditChainHead(auditChainHead)
        .content(content)
        .incremental(incremental);
  }
}
