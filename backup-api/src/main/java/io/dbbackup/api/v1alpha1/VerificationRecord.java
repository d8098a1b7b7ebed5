package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a run's backup was verified, and what verification by restore found. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationRecord {
  @JsonPropertyDescription("checksum, restore or none.")
  private String mode;

  @JsonPropertyDescription(
      "With mode restore: storage (the stored backup read back and restored) or stream.")
  private String source;

  @JsonPropertyDescription("passed or failed.")
  private String result;

  @JsonPropertyDescription("Databases the dump held (restore).")
  private Integer databases;

  @JsonPropertyDescription("Tables with COPY data the dump held (restore).")
  private Integer tables;

  @JsonPropertyDescription("Rows the dump held, counted while it was written (restore).")
  private Long rows;

  @JsonPropertyDescription("How long the restore and the comparison took.")
  private Double durationSeconds;

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public Integer getDatabases() {
    return databases;
  }

  public void setDatabases(Integer databases) {
    this.databases = databases;
  }

  public Integer getTables() {
    return tables;
  }

  public void setTables(Integer tables) {
    this.tables = tables;
  }

  public Long getRows() {
    return rows;
  }

  public void setRows(Long rows) {
    this.rows = rows;
  }

  public Double getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Double durationSeconds) {
    this.durationSeconds = durationSeconds;
  }
}
