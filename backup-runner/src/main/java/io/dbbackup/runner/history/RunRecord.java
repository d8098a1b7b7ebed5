package io.dbbackup.runner.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.runner.store.Manifest;
import java.time.Instant;

/**
 * One run as backup_history (TBL-039) records it. A plain value, also spooled as JSON to the store
 * when the history database cannot be reached.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
    String backupId,
    String namespace,
    String name,
    String type,
    @JsonSerialize(using = HistoryStatus.Writer.class)
        @JsonDeserialize(using = HistoryStatus.Reader.class)
        BackupPhase status,
    Instant startedAt,
    Instant finishedAt,
    Long durationMs,
    Long dumpBytes,
    Long storedBytes,
    String compression,
    String encryption,
    String sha256,
    String location,
    Boolean verified,
    Integer errorCode,
    String errorMessage,
    String runnerHost,
    String serverVersion,
    Verification verification,
    Long referencedBytes) {

  /**
   * What verification by restore found (history columns verification_*): mode, source (storage or
   * stream), result (passed or failed), the dump's databases, tables and rows, and how long it
   * took.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Verification(
      String mode,
      String source,
      String result,
      Integer databases,
      Integer tables,
      Long rows,
      Double durationSeconds) {

    /**
     * A manifest's verification as history and status record it (mode checksum, restore or none).
     */
    static Verification of(Manifest.Verification v) {
      String mode = v.mode().startsWith("checksum") ? "checksum" : v.mode();
      Manifest.Restore r = v.restore();
      if (r == null) {
        return new Verification(
            mode, null, "none".equals(mode) ? null : "passed", null, null, null, null);
      }
      return new Verification(
          mode, r.source(), r.result(), r.databases(), r.tables(), r.rows(), r.durationSeconds());
    }
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(null);
  }

  /**
   * This run with what its manifest records of the backup it stored: sizes, checksum, verification
   * and (incremental) the referenced bytes.
   */
  public RunRecord stored(Manifest m) {
    return toBuilder()
        .output(m.dumpBytes(), m.storedBytes(), m.sha256(), m.verification().verified())
        .verification(Verification.of(m.verification()))
        .referencedBytes(m.incremental() == null ? null : m.incremental().referencedBytes())
        .build();
  }

  /** This run, ended with {@code status} at {@code at}. */
  public RunRecord finished(BackupPhase status, Instant at) {
    return toBuilder()
        .status(status)
        .finishedAt(at)
        .durationMs(at.toEpochMilli() - startedAt.toEpochMilli())
        .build();
  }

  /** Builds and copies run records. */
  public static final class Builder {
    private String backupId;
    private String namespace;
    private String name;
    private String type;
    private BackupPhase status = BackupPhase.Running;
    private Instant startedAt;
    private Instant finishedAt;
    private Long durationMs;
    private Long dumpBytes;
    private Long storedBytes;
    private String compression;
    private String encryption;
    private String sha256;
    private String location;
    private Boolean verified;
    private Verification verification;
    private Long referencedBytes;
    private Integer errorCode;
    private String errorMessage;
    private String runnerHost;
    private String serverVersion;

    private Builder(RunRecord r) {
      if (r == null) {
        return;
      }
      backupId = r.backupId;
      namespace = r.namespace;
      name = r.name;
      type = r.type;
      status = r.status;
      startedAt = r.startedAt;
      finishedAt = r.finishedAt;
      durationMs = r.durationMs;
      dumpBytes = r.dumpBytes;
      storedBytes = r.storedBytes;
      compression = r.compression;
      encryption = r.encryption;
      sha256 = r.sha256;
      location = r.location;
      verified = r.verified;
      verification = r.verification;
      referencedBytes = r.referencedBytes;
      errorCode = r.errorCode;
      errorMessage = r.errorMessage;
      runnerHost = r.runnerHost;
      serverVersion = r.serverVersion;
    }

    public Builder backupId(String v) {
      backupId = v;
      return this;
    }

    public Builder resource(String ns, String n) {
      namespace = ns;
      name = n;
      return this;
    }

    public Builder type(String v) {
      type = v;
      return this;
    }

    public Builder status(BackupPhase v) {
      status = v;
      return this;
    }

    public Builder startedAt(Instant v) {
      startedAt = v;
      return this;
    }

    public Builder finishedAt(Instant v) {
      finishedAt = v;
      return this;
    }

    public Builder durationMs(Long v) {
      durationMs = v;
      return this;
    }

    public Builder output(long dump, long stored, String sha, boolean isVerified) {
      dumpBytes = dump;
      storedBytes = stored;
      sha256 = sha;
      verified = isVerified;
      return this;
    }

    public Builder compression(String v) {
      compression = v;
      return this;
    }

    public Builder encryption(String v) {
      encryption = v;
      return this;
    }

    public Builder location(String v) {
      location = v;
      return this;
    }

    public Builder error(int code, String message) {
      errorCode = code;
      errorMessage = message;
      return this;
    }

    /**
     * What a run that succeeded could not do (retention skipped on a store it could not read in
     * full): kept in error_message with no error_code, and shown as the status' lastBackup.message.
     */
    public Builder warning(String message) {
      errorCode = null;
      errorMessage = message;
      return this;
    }

    public Builder runnerHost(String v) {
      runnerHost = v;
      return this;
    }

    public Builder serverVersion(String v) {
      serverVersion = v;
      return this;
    }

    public Builder verification(Verification v) {
      verification = v;
      return this;
    }

    /** An incremental backup: the stored bytes of every chunk its index names. */
    public Builder referencedBytes(Long bytes) {
      referencedBytes = bytes;
      return this;
    }

    public RunRecord build() {
      return new RunRecord(
          backupId,
          namespace,
          name,
          type,
          status,
          startedAt,
          finishedAt,
          durationMs,
          dumpBytes,
          storedBytes,
          compression,
          encryption,
          sha256,
          location,
          verified,
          errorCode,
          errorMessage,
          runnerHost,
          serverVersion,
          verification,
          referencedBytes);
    }
  }
}
