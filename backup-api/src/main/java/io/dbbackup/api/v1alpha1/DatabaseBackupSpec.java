package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What to back up, when, where to, and how long to keep it. Defaults are BATCH-101's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.type) && self.type == 'incremental') == has(self.incremental)",
    message =
        "incremental: set spec.incremental (chunkKeySecretRef) exactly when type is incremental")
public class DatabaseBackupSpec {
  public static final String DEFAULT_SCHEDULE = "0 2 * * *";

  @Default(DEFAULT_SCHEDULE)
  @Pattern(
      "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)$")
  @JsonPropertyDescription(
      "Cron schedule with five fields (minute hour day-of-month month day-of-week), as for a CronJob.")
  private String schedule = DEFAULT_SCHEDULE;

  @JsonPropertyDescription(
      "IANA time zone the schedule and window are read in, e.g. Asia/Tokyo. Default: the cluster's"
          + " (for the runner: UTC).")
  private String timeZone;

  @Default("false")
  @JsonPropertyDescription("Suspend scheduled runs; on-demand runs still work.")
  private boolean suspend;

  @JsonPropertyDescription(
      "Allowed start window; a run that would start outside it is skipped and recorded as SKIPPED.")
  private WindowSpec window;

  @Default("full")
  @JsonPropertyDescription(
      "Backup type: full (one compressed, encrypted dump file) or incremental (every backup a"
          + " complete dump, cut into content-defined chunks stored once and shared by all"
          + " backups; needs spec.incremental).")
  private BackupType type = BackupType.FULL;

  @JsonPropertyDescription("Incremental backups (type: incremental only): the chunk naming key.")
  private IncrementalSpec incremental;

  @JsonPropertyDescription("How long to keep backups.")
  private RetentionSpec retention = new RetentionSpec();

  @Default("true")
  @JsonPropertyDescription("Compress the dump (false is the same as compression.algorithm: none).")
  private boolean compress = true;

  @JsonPropertyDescription("Compression algorithm and level.")
  private CompressionSpec compression = new CompressionSpec();

  @Min(1)
  @JsonPropertyDescription(
      "The stored size of one backup in MiB, for the free-space check before each run (twice it"
          + " must be free). Unset: the last good backup's size, before the first one an estimate"
          + " from the user databases' pg_database_size.")
  private Long expectedSizeMiB;

  @Default("true")
  @JsonPropertyDescription("Verify each backup after writing it, by reading it back from storage.")
  private boolean verify = true;

  @JsonPropertyDescription("How to verify.")
  private VerificationSpec verification = new VerificationSpec();

  @Default("120")
  @Min(1)
  @Max(10080)
  @JsonPropertyDescription("Maximum run time in minutes; the run fails with a timeout beyond it.")
  private int timeoutMinutes = 120;

  @Default("2")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription("How often a failed run is retried (the Job's backoffLimit).")
  private int retries = 2;

  @Required
  @JsonPropertyDescription("The PostgreSQL server to back up.")
  private DatabaseSpec database;

  @Required
  @JsonPropertyDescription("Where backups are stored: exactly one of volume or s3.")
  private StorageSpec storage;

  @JsonPropertyDescription("Client-side OpenPGP encryption of the stored file.")
  private EncryptionSpec encryption;

  @JsonPropertyDescription("Run history in SQL tables (BATCH-101 TBL-039 / TBL-040).")
  private HistorySpec history = new HistorySpec();

  @JsonPropertyDescription(
      "Who is told when a backup fails, goes stale, runs long, changes size or runs low on space.")
  private NotificationsSpec notifications;

  @JsonPropertyDescription("The runner pod: image and resources.")
  private RunnerSpec runner;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public boolean isSuspend() {
    return suspend;
  }

  public void setSuspend(boolean suspend) {
    this.suspend = suspend;
  }

  public WindowSpec getWindow() {
    return window;
  }

  public void setWindow(WindowSpec window) {
    this.window = window;
  }

  public BackupType getType() {
    return type;
  }

  public void setType(BackupType type) {
    this.type = type;
  }

  public IncrementalSpec getIncremental() {
    return incremental;
  }

  public void setIncremental(IncrementalSpec incremental) {
    this.incremental = incremental;
  }

  public RetentionSpec getRetention() {
    return retention;
  }

  public void setRetention(RetentionSpec retention) {
    this.retention = retention;
  }

  public boolean isCompress() {
    return compress;
  }

  public void setCompress(boolean compress) {
    this.compress = compress;
  }

  public CompressionSpec getCompression() {
    return compression;
  }

  public void setCompression(CompressionSpec compression) {
    this.compression = compression;
  }

  public Long getExpectedSizeMiB() {
    return expectedSizeMiB;
  }

  public void setExpectedSizeMiB(Long expectedSizeMiB) {
    this.expectedSizeMiB = expectedSizeMiB;
  }

  public boolean isVerify() {
    return verify;
  }

  public void setVerify(boolean verify) {
    this.verify = verify;
  }

  public VerificationSpec getVerification() {
    return verification;
  }

  public void setVerification(VerificationSpec verification) {
    this.verification = verification;
  }

  public int getTimeoutMinutes() {
    return timeoutMinutes;
  }

  public void setTimeoutMinutes(int timeoutMinutes) {
    this.timeoutMinutes = timeoutMinutes;
  }

  public int getRetries() {
    return retries;
  }

  public void setRetries(int retries) {
    this.retries = retries;
  }

  public DatabaseSpec getDatabase() {
    return database;
  }

  public void setDatabase(DatabaseSpec database) {
    this.database = database;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public EncryptionSpec getEncryption() {
    return encryption;
  }

  public void setEncryption(EncryptionSpec encryption) {
    this.encryption = encryption;
  }

  public HistorySpec getHistory() {
    return history;
  }

  public void setHistory(HistorySpec history) {
    this.history = history;
  }

  public NotificationsSpec getNotifications() {
    return notifications;
  }

  public void setNotifications(NotificationsSpec notifications) {
    this.notifications = notifications;
  }

  public RunnerSpec getRunner() {
    return runner;
  }

  public void setRunner(RunnerSpec runner) {
    this.runner = runner;
  }

  /** The algorithm actually used: {@code compress: false} wins over {@code compression}. */
  public CompressionAlgorithm effectiveCompression() {
    if (!compress || compression == null) {
      return compress ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
    }
    return compression.getAlgorithm() == null
        ? CompressionAlgorithm.GZIP
        : compression.getAlgorithm();
  }
}
