package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One run as the status shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRecord {
  @JsonPropertyDescription("Backup id: UTC start time and a short random suffix.")
  private String id;

  private BackupPhase phase;
  private String startTime;
  private String completionTime;
  private Long durationSeconds;

  @JsonPropertyDescription("Bytes of SQL pg_dumpall wrote.")
  private Long dumpBytes;

  @JsonPropertyDescription("Bytes stored (compressed, encrypted).")
  private Long storedBytes;

  @JsonPropertyDescription(
      "Incremental backups: the stored bytes of every chunk the backup names (storedBytes is what"
          + " its run added).")
  private Long referencedBytes;

  @JsonPropertyDescription("storedBytes for people, e.g. 1.2GiB.")
  private String size;

  @JsonPropertyDescription("SHA-256 of the stored file.")
  private String sha256;

  @JsonPropertyDescription("Where the backup is: a directory or an s3:// URL.")
  private String location;

  private Boolean verified;

  @JsonPropertyDescription(
      "How the backup was verified when it was: restore or checksum (the Verified column).")
  private String verifiedBy;

  @JsonPropertyDescription("How the backup was verified and what verification by restore found.")
  private VerificationRecord verification;

  @JsonPropertyDescription("Exit code of the runner (0 ok; see the runner's documentation).")
  private Integer exitCode;

  private String message;

  @JsonPropertyDescription("The Job that ran this backup, when it ran in the cluster.")
  private String jobName;

  @JsonPropertyDescription(
      "Volume storage: how full the volume was after the run, in percent (as df reports it).")
  private Integer volumeUsedPercent;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public BackupPhase getPhase() {
    return phase;
  }

  public void setPhase(BackupPhase phase) {
    this.phase = phase;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public Long getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Long durationSeconds) {
    this.durationSeconds = durationSeconds;
  }

  public Long getDumpBytes() {
    return dumpBytes;
  }

  public void setDumpBytes(Long dumpBytes) {
    this.dumpBytes = dumpBytes;
  }

  public Long getStoredBytes() {
    return storedBytes;
  }

  public void setStoredBytes(Long storedBytes) {
    this.storedBytes = storedBytes;
  }

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public Boolean getVerified() {
    return verified;
  }

  public void setVerified(Boolean verified) {
    this.verified = verified;
  }

  public Integer getExitCode() {
    return exitCode;
  }

  public void setExitCode(Integer exitCode) {
    this.exitCode = exitCode;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  public Integer getVolumeUsedPercent() {
    return volumeUsedPercent;
  }

  public void setVolumeUsedPercent(Integer volumeUsedPercent) {
    this.volumeUsedPercent = volumeUsedPercent;
  }

  public String getVerifiedBy() {
    return verifiedBy;
  }

  public void setVerifiedBy(String verifiedBy) {
    this.verifiedBy = verifiedBy;
  }

  public VerificationRecord getVerification() {
    return verification;
  }

  public void setVerification(VerificationRecord verification) {
    this.verification = verification;
  }

  public Long getReferencedBytes() {
    return referencedBytes;
  }

  public void setReferencedBytes(Long referencedBytes) {
    this.referencedBytes = referencedBytes;
  }
}
